#pragma once
// A LiveServer on tcp://127.0.0.1:* in its own thread, plus clients and a raw feed publisher.
#include <atomic>
#include <chrono>
#include <functional>
#include <thread>
#include <zmq.hpp>

#include "live_fixture.hpp"
#include "qg/live/control_client.hpp"
#include "qg/live/live_server.hpp"

namespace qg::live::testing {

class ServerThread {
 public:
  explicit ServerThread(const LiveConfig& config) : server_(config), thread_([this] { server_.run(stop_); }) {}
  ~ServerThread() {
    stop_ = true;
    thread_.join();
  }
  ServerThread(const ServerThread&) = delete;
  ServerThread& operator=(const ServerThread&) = delete;

  LiveServer& server() { return server_; }
  ClientOptions client(const CurveKeyPair& pair, const std::string& server_key, double timeout_s = 5.0) const {
    return {server_.control_endpoint(), server_key, pair, timeout_s};
  }

 private:
  LiveServer server_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

//! Polls `pred` every 20 ms for at most `seconds`; returns its last value.
inline bool wait_until(const std::function<bool()>& pred, double seconds = 10.0) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

//! Sends raw multipart messages to a feed endpoint once the node's subscription has arrived.
inline void publish_raw(const std::string& endpoint, const std::vector<std::vector<std::string>>& messages) {
  zmq::context_t ctx;
  zmq::socket_t pub(ctx, zmq::socket_type::xpub);
  pub.set(zmq::sockopt::linger, 5000);
  pub.connect(endpoint);
  zmq::message_t sub;
  pub.set(zmq::sockopt::rcvtimeo, 5000);
  if (!pub.recv(sub)) throw std::runtime_error("no subscription from the node");
  for (const auto& frames : messages) {
    for (std::size_t i = 0; i < frames.size(); ++i)
      pub.send(zmq::buffer(frames[i]), i + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
  }
}

}  // namespace qg::live::testing
