#pragma once
// The live node's ZeroMQ shell: a CURVE-encrypted ROUTER for control requests with a ZAP
// handler that admits only allow-listed client keys, a SUB socket for the feed, a PUB socket
// for events. One thread polls them all and hands the bytes to LiveNode; nothing from a
// socket can throw out of the loop.
#include <atomic>
#include <memory>
#include <string>

#include "qg/live/live_config.hpp"
#include "qg/live/live_node.hpp"

namespace qg::live {

class LiveServer {
 public:
  //! Binds the three endpoints (tcp://127.0.0.1:* picks free ports) and opens the node.
  //! Throws ClusterError naming the endpoint that cannot be bound.
  explicit LiveServer(const LiveConfig& config);
  ~LiveServer();
  LiveServer(const LiveServer&) = delete;
  LiveServer& operator=(const LiveServer&) = delete;

  //! Serves until `stop` is set, or for `run_for_s` seconds when > 0.
  void run(const std::atomic<bool>& stop, double run_for_s = 0.0);
  //! The endpoints actually bound (ports resolved).
  const std::string& control_endpoint() const;
  const std::string& feed_endpoint() const;
  const std::string& events_endpoint() const;
  //! The node itself (only between runs, or from the thread that runs the loop).
  LiveNode& node();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace qg::live
