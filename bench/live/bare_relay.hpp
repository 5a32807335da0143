#pragma once
// The floor under the live node's socket path: the node's sockets (a bound SUB for the feed, a
// bound PUB for events, in a context of its own, one thread polling) with no node behind them.
// Each feed message [SYMBOL, JSON] goes straight back out as ["bar", JSON], and as ["signal",
// JSON] too for the deployed symbol SYM, so a subscriber sees what it would see from a node
// that spends no time on a bar. Each signal has a third frame: two int64 steady-clock
// nanosecond stamps (its bar received by the relay's thread, the signal sent), for the time of
// each hop.
#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include <zmq.hpp>

class BareRelay {
 public:
  //! Binds both endpoints (tcp://127.0.0.1:* or ipc://...) and starts the relay thread.
  BareRelay(const std::string& feed_endpoint, const std::string& events_endpoint);
  ~BareRelay();
  BareRelay(const BareRelay&) = delete;
  BareRelay& operator=(const BareRelay&) = delete;

  //! The stamps' clock: std::chrono::steady_clock in nanoseconds.
  static std::int64_t now_ns();
  const std::string& feed_endpoint() const { return feed_ep_; }
  const std::string& events_endpoint() const { return events_ep_; }

 private:
  void run();
  //! Forwards every feed message waiting now; false when none was.
  bool forward();

  zmq::context_t ctx_;
  zmq::socket_t feed_, events_;
  std::string feed_ep_, events_ep_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};
