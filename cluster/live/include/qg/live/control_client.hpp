#pragma once
// A control client of the live node: one CURVE-authenticated request, one reply, bounded by a
// timeout. CURVE fails silently when the server key is wrong, so the timeout is what turns a
// hang into a message; a socket monitor reports a refused client key at once.
#include <string>

#include <nlohmann/json.hpp>

#include "qg/live/keys.hpp"

namespace qg::live {

struct ClientOptions {
  std::string endpoint;    // the node's control endpoint
  std::string server_key;  // the node's CURVE public key (Z85)
  CurveKeyPair client;     // this client's CURVE pair
  double timeout_s = 5.0;  // whole request, connect included
};

//! Sends `request` bytes and returns the reply bytes. Throws ClusterError "no reply from E
//! within Ns: wrong server key, node down, or this client's key is not allowed", or that the
//! node refused this client's key.
std::string control_request_raw(const ClientOptions& options, const std::string& request);
//! Sends a JSON request and parses the reply (DataError when the reply is not JSON).
nlohmann::json control_request(const ClientOptions& options, const nlohmann::json& request);

}  // namespace qg::live
