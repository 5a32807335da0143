#include "bare_relay.hpp"

#include <array>
#include <chrono>
#include <cstdint>

std::int64_t BareRelay::now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

BareRelay::BareRelay(const std::string& feed_endpoint, const std::string& events_endpoint)
    : feed_(ctx_, zmq::socket_type::sub), events_(ctx_, zmq::socket_type::pub) {
  for (auto* s : {&feed_, &events_}) s->set(zmq::sockopt::linger, 0);
  feed_.set(zmq::sockopt::subscribe, "");
  feed_.set(zmq::sockopt::rcvhwm, 0);
  events_.set(zmq::sockopt::sndhwm, 0);
  feed_.bind(feed_endpoint);
  events_.bind(events_endpoint);
  feed_ep_ = feed_.get(zmq::sockopt::last_endpoint);
  events_ep_ = events_.get(zmq::sockopt::last_endpoint);
  thread_ = std::thread([this] { run(); });
}

BareRelay::~BareRelay() {
  stop_ = true;
  thread_.join();
}

void BareRelay::run() {
  while (!stop_.load()) {
    std::array<zmq::pollitem_t, 1> items{{{feed_.handle(), 0, ZMQ_POLLIN, 0}}};
    zmq::poll(items.data(), items.size(), std::chrono::milliseconds(5));
    while (forward()) {}
  }
}

bool BareRelay::forward() {
  zmq::message_t symbol, body;
  if (!feed_.recv(symbol, zmq::recv_flags::dontwait)) return false;
  const std::int64_t received = now_ns();
  if (!symbol.more() || !feed_.recv(body, zmq::recv_flags::dontwait)) return true;
  // Like the node: a "bar" event for every bar, and a "signal" too for the deployed symbol.
  const bool deployed = symbol.to_string_view() == "SYM";
  events_.send(zmq::str_buffer("bar"), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
  events_.send(zmq::buffer(body.data(), body.size()), zmq::send_flags::dontwait);
  if (deployed) {  // the signal carries when its bar reached this thread and when it left
    const std::array<std::int64_t, 2> stamps{received, now_ns()};
    events_.send(zmq::str_buffer("signal"), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
    events_.send(body, zmq::send_flags::sndmore | zmq::send_flags::dontwait);
    events_.send(zmq::buffer(stamps), zmq::send_flags::dontwait);
  }
  return true;
}
