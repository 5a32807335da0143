#include "qg/live/live_server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "qg/live/keys.hpp"
#include "qg/core/error.hpp"

namespace qg::live {
namespace {

using Clock = std::chrono::steady_clock;

//! Events go out on the PUB socket (never blocking) and into the log.
class ZmqEventSink final : public EventSink {
 public:
  explicit ZmqEventSink(zmq::socket_t& pub) : pub_(pub) {}
  void publish(const std::string& type, const nlohmann::json& body) noexcept override {
    try {
      publish_text(type, body.dump());
    } catch (const std::exception& e) {
      spdlog::warn("event {} not published: {}", type, e.what());
    }
  }
  void publish_text(const std::string& type, const std::string& body) noexcept override {
    try {
      pub_.send(zmq::buffer(type), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
      pub_.send(zmq::buffer(body), zmq::send_flags::dontwait);
      if (type != "heartbeat") spdlog::debug("event {} {}", type, body);
    } catch (const std::exception& e) {
      spdlog::warn("event {} not published: {}", type, e.what());
    }
  }

 private:
  zmq::socket_t& pub_;
};

std::string bind_endpoint(zmq::socket_t& socket, const std::string& endpoint, const char* what) {
  try {
    socket.bind(endpoint);
  } catch (const zmq::error_t& e) {
    throw ClusterError(std::string("cannot bind the ") + what + " endpoint " + endpoint + ": " + e.what());
  }
  return socket.get(zmq::sockopt::last_endpoint);
}

std::string frame_text(const zmq::message_t& m) { return std::string(static_cast<const char*>(m.data()), m.size()); }

}  // namespace

struct LiveServer::Impl {
  explicit Impl(const LiveConfig& config)
      : cfg(config),
        zap(ctx, zmq::socket_type::rep),
        control(ctx, zmq::socket_type::router),
        feed(ctx, zmq::socket_type::sub),
        events(ctx, zmq::socket_type::pub),
        sink(events) {
    for (auto* s : {&zap, &control, &feed, &events}) s->set(zmq::sockopt::linger, 0);
    // The ZAP handler must be bound before the CURVE socket accepts anyone.
    zap.bind("inproc://zeromq.zap.01");
    events.set(zmq::sockopt::sndhwm, 0);
    events_ep = bind_endpoint(events, cfg.events, "events");
    node = std::make_unique<LiveNode>(cfg, sink);
    const CurveKeyPair keys = load_curve_keypair(cfg.server_key);
    control.set(zmq::sockopt::curve_server, 1);
    control.set(zmq::sockopt::curve_secretkey, keys.secret_z85);
    control.set(zmq::sockopt::zap_domain, "quantgrid-live");
    control.set(zmq::sockopt::maxmsgsize, static_cast<std::int64_t>(cfg.limits.max_message_bytes));
    control.set(zmq::sockopt::router_mandatory, 0);
    control_ep = bind_endpoint(control, cfg.control, "control");
    feed.set(zmq::sockopt::subscribe, "");
    feed.set(zmq::sockopt::rcvhwm, 0);
    feed.set(zmq::sockopt::maxmsgsize, static_cast<std::int64_t>(cfg.limits.max_message_bytes));
    feed_ep = bind_endpoint(feed, cfg.feed, "feed");
    spdlog::info("live node: control {} (CURVE, {} allowed clients), feed {}, events {}", control_ep,
                 cfg.allowed_clients.size(), feed_ep, events_ep);
  }

  //! Answers one ZAP request (false when none was waiting): admits allow-listed CURVE clients.
  bool serve_zap() {
    std::vector<zmq::message_t> req;
    if (!zmq::recv_multipart(zap, std::back_inserter(req), zmq::recv_flags::dontwait)) return false;
    const std::string version = !req.empty() ? frame_text(req[0]) : "";
    const std::string id = req.size() > 1 ? frame_text(req[1]) : "";
    std::string status = "400", text = "malformed ZAP request", user;
    if (req.size() >= 7 && frame_text(req[5]) == "CURVE" && req[6].size() == 32) {
      char z85[41];
      zmq_z85_encode(z85, static_cast<const std::uint8_t*>(req[6].data()), 32);
      const bool allowed =
          std::find(cfg.allowed_clients.begin(), cfg.allowed_clients.end(), z85) != cfg.allowed_clients.end();
      status = allowed ? "200" : "400";
      text = allowed ? "OK" : "client key not allowed";
      user = z85;
      if (!allowed)
        spdlog::warn("control client {} from {} refused: key not in allowed_clients", z85, frame_text(req[3]));
    }
    std::array<zmq::const_buffer, 6> reply{zmq::buffer(version), zmq::buffer(id),   zmq::buffer(status),
                                           zmq::buffer(text),    zmq::buffer(user), zmq::const_buffer()};
    zmq::send_multipart(zap, reply);
    return true;
  }

  //! Handles one control message; false when none was waiting.
  bool serve_control() {
    std::vector<zmq::message_t> frames;
    if (!zmq::recv_multipart(control, std::back_inserter(frames), zmq::recv_flags::dontwait)) return false;
    if (frames.empty()) return true;
    const char* user = frames.back().gets("User-Id");
    const std::string client = user != nullptr ? user : "unknown";
    std::string reply;
    if (frames.size() == 3 && frames[1].empty()) {
      reply =
          node->handle_request(std::string_view(static_cast<const char*>(frames[2].data()), frames[2].size()), client);
    } else {
      spdlog::warn("control message from {} refused: {} frames", client, frames.size());
      reply = R"({"ok":false,"code":"bad_request","reason":"expected one request frame after the envelope, got )" +
              std::to_string(!frames.empty() ? frames.size() - 1 : 0) + R"( frames"})";
    }
    std::array<zmq::const_buffer, 3> out{zmq::buffer(frames[0].data(), frames[0].size()), zmq::const_buffer(),
                                         zmq::buffer(reply)};
    zmq::send_multipart(control, out, zmq::send_flags::dontwait);
    return true;
  }

  //! Receives one feed message into the batch; false when none was waiting. The frames go
  //! through buffers kept from one batch to the next (no allocation per bar once grown).
  bool receive_feed() {
    if (!feed.recv(feed_frame, zmq::recv_flags::dontwait)) return false;
    if (feed_batch.size() <= batched) feed_batch.emplace_back();
    std::vector<std::string>& parts = feed_batch[batched++];
    std::size_t n = 0;
    while (true) {
      if (parts.size() <= n) parts.emplace_back();
      parts[n++].assign(static_cast<const char*>(feed_frame.data()), feed_frame.size());
      // The frames of a message arrive together: the rest is already here.
      if (!feed_frame.more() || !feed.recv(feed_frame, zmq::recv_flags::dontwait)) break;
    }
    parts.resize(n);
    return true;
  }

  //! Hands the batched feed messages to the node (one journal write for all of them).
  void flush_feed() {
    if (batched == 0) return;
    const std::size_t n = batched;
    batched = 0;
    node->on_feed_messages({feed_batch.data(), n});
  }

  //! Serves the sockets `items` found readable, a message of each per round, until none has
  //! one or max_messages_per_poll rounds. A socket found empty is not read again (an empty
  //! read costs a system call) until every kControlLookEvery rounds, when the ZAP and control
  //! sockets are looked at again: a busy feed delays a control request (or a client's
  //! handshake) by at most that many bars. Feed messages are batched until then (or until the
  //! feed runs dry) and always processed before a control request that came after them.
  void serve_ready(const std::array<zmq::pollitem_t, 3>& items) {
    bool zap_ready = (items[0].revents & ZMQ_POLLIN) != 0;
    bool control_ready = (items[1].revents & ZMQ_POLLIN) != 0;
    bool feed_ready = (items[2].revents & ZMQ_POLLIN) != 0;
    try {
      for (int i = 0; i < cfg.limits.max_messages_per_poll; ++i) {
        if (i > 0 && i % kControlLookEvery == 0) zap_ready = control_ready = true;
        if (zap_ready || control_ready) flush_feed();
        if (zap_ready) zap_ready = serve_zap();
        if (control_ready) control_ready = serve_control();
        if (feed_ready) feed_ready = receive_feed();
        if (!zap_ready && !control_ready && !feed_ready) break;
      }
    } catch (...) {
      flush_feed();  // what was received is still processed
      throw;
    }
    flush_feed();
  }

  void run(const std::atomic<bool>& stop, double run_for_s) {
    const auto start = Clock::now();
    auto next_heartbeat = start;
    const auto heartbeat = std::chrono::milliseconds(cfg.limits.heartbeat_ms);
    while (!stop.load() && (run_for_s <= 0 || Clock::now() - start < std::chrono::duration<double>(run_for_s))) {
      std::array<zmq::pollitem_t, 3> items{
          {{zap.handle(), 0, ZMQ_POLLIN, 0}, {control.handle(), 0, ZMQ_POLLIN, 0}, {feed.handle(), 0, ZMQ_POLLIN, 0}}};
      try {
        zmq::poll(items.data(), items.size(), std::chrono::milliseconds(cfg.limits.poll_ms));
        serve_ready(items);
      } catch (const zmq::error_t& e) {
        if (e.num() != EINTR) spdlog::warn("live node socket error (continuing): {}", e.what());
      } catch (const std::exception& e) {
        spdlog::error("live node loop error (continuing): {}", e.what());
      }
      if (Clock::now() >= next_heartbeat) {
        node->heartbeat();
        next_heartbeat = Clock::now() + heartbeat;
      }
    }
  }

  static constexpr int kControlLookEvery = 8;
  LiveConfig cfg;
  zmq::context_t ctx;
  zmq::socket_t zap, control, feed, events;
  ZmqEventSink sink;
  std::unique_ptr<LiveNode> node;
  std::string control_ep, feed_ep, events_ep;
  zmq::message_t feed_frame;
  std::vector<std::vector<std::string>> feed_batch;  // messages [0, batched) wait for flush_feed
  std::size_t batched = 0;
};

LiveServer::LiveServer(const LiveConfig& config) : impl_(std::make_unique<Impl>(config)) {}
LiveServer::~LiveServer() = default;
void LiveServer::run(const std::atomic<bool>& stop, double run_for_s) { impl_->run(stop, run_for_s); }
const std::string& LiveServer::control_endpoint() const { return impl_->control_ep; }
const std::string& LiveServer::feed_endpoint() const { return impl_->feed_ep; }
const std::string& LiveServer::events_endpoint() const { return impl_->events_ep; }
LiveNode& LiveServer::node() { return *impl_->node; }

}  // namespace qg::live
