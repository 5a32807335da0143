#pragma once
// Where the live node's events go: the events PUB socket and the log in production, a
// recording sink in tests.
#include <string>

#include <nlohmann/json.hpp>

namespace qg::live {

//! Receives every event of the node: bar, signal, order, fill, deployment, rejection, risk,
//! halt, resume, heartbeat. Implementations must not throw.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void publish(const std::string& type, const nlohmann::json& body) noexcept = 0;
};

}  // namespace qg::live
