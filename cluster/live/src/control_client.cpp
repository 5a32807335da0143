#include "qg/live/control_client.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "qg/core/error.hpp"

namespace qg::live {
namespace {

std::atomic<int> monitor_counter{0};

//! The event number of a monitor message, or 0.
int monitor_event(zmq::socket_t& monitor) {
  std::vector<zmq::message_t> frames;
  if (!zmq::recv_multipart(monitor, std::back_inserter(frames), zmq::recv_flags::dontwait) || frames.empty() ||
      frames[0].size() < 2)
    return 0;
  std::uint16_t event = 0;
  std::memcpy(&event, frames[0].data(), sizeof event);
  return event;
}

}  // namespace

std::string control_request_raw(const ClientOptions& o, const std::string& request) {
  zmq::context_t ctx;
  zmq::socket_t req(ctx, zmq::socket_type::req);
  req.set(zmq::sockopt::linger, 0);
  req.set(zmq::sockopt::curve_serverkey, o.server_key);
  req.set(zmq::sockopt::curve_publickey, o.client.public_z85);
  req.set(zmq::sockopt::curve_secretkey, o.client.secret_z85);
  char monitor_ep[64];
  std::snprintf(monitor_ep, sizeof monitor_ep, "inproc://qg-control-monitor-%d", monitor_counter.fetch_add(1));
  if (zmq_socket_monitor(req.handle(), monitor_ep, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) != 0)
    throw ClusterError("cannot monitor the control socket");
  zmq::socket_t monitor(ctx, zmq::socket_type::pair);
  monitor.set(zmq::sockopt::linger, 0);
  monitor.connect(monitor_ep);
  try {
    req.connect(o.endpoint);
    req.send(zmq::buffer(request), zmq::send_flags::dontwait);
  } catch (const zmq::error_t& e) {
    throw ClusterError("control endpoint " + o.endpoint + ": " + e.what());
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(o.timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    std::array<zmq::pollitem_t, 2> items{{{req.handle(), 0, ZMQ_POLLIN, 0}, {monitor.handle(), 0, ZMQ_POLLIN, 0}}};
    zmq::poll(items.data(), items.size(), std::max(left, std::chrono::milliseconds(1)));
    if (items[1].revents & ZMQ_POLLIN && monitor_event(monitor) == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
      zmq_socket_monitor(req.handle(), nullptr, 0);
      throw ClusterError("the live node at " + o.endpoint + " refused this client's CURVE key " + o.client.public_z85 +
                         " (not in its allowed_clients)");
    }
    if (items[0].revents & ZMQ_POLLIN) {
      zmq::message_t reply;
      if (req.recv(reply, zmq::recv_flags::dontwait)) {
        zmq_socket_monitor(req.handle(), nullptr, 0);
        return reply.to_string();
      }
    }
  }
  zmq_socket_monitor(req.handle(), nullptr, 0);
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%g", o.timeout_s);
  throw ClusterError("no reply from " + o.endpoint + " within " + seconds +
                     "s: wrong server key, node down, or this client's key is not allowed");
}

nlohmann::json control_request(const ClientOptions& options, const nlohmann::json& request) {
  const std::string text = control_request_raw(options, request.dump());
  nlohmann::json reply = nlohmann::json::parse(text, nullptr, false);
  if (reply.is_discarded() || !reply.is_object()) throw DataError("the live node's reply is not a JSON object");
  return reply;
}

}  // namespace qg::live
