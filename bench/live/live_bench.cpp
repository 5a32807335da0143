// Latency of the live node, in one process over tcp://127.0.0.1 (node thread, feed thread,
// control client and events subscriber in this driver, all timed on one steady clock):
//   bar_to_signal_full   bar sent by the feed -> its "signal" event received, feed at full speed
//   bar_to_signal_paced  the same with the feed paced at --rate bars/s
//   promote_reply        promote request sent -> the node's reply received
//   promote_to_active    promote request sent -> "deployment active" event received, feed at --rate
// Prints CSV: name,n,p50_us,p99_us,p999_us,max_us
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>
#include <spdlog/spdlog.h>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "qg/live/approval.hpp"
#include "qg/live/control_client.hpp"
#include "qg/live/feed_bar.hpp"
#include "qg/live/keys.hpp"
#include "qg/live/live_server.hpp"
#include "qg/kernels/synthetic.hpp"

namespace {

using namespace qg::live;
using Clock = std::chrono::steady_clock;

struct Params {
  int bars = 2000;
  int promotions = 50;
  double rate = 1000.0;
  bool fsync = false;
};

Params parse_args(int argc, char** argv) {
  Params p;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const double v = std::atof(argv[i + 1]);
    if (key == "--bars")
      p.bars = static_cast<int>(v);
    else if (key == "--promotions")
      p.promotions = static_cast<int>(v);
    else if (key == "--rate")
      p.rate = v;
    else if (key == "--fsync")
      p.fsync = v != 0;
  }
  return p;
}

std::vector<FeedBar> make_bars(int n) {
  const auto s = qg::kernels::generate_bars(1, 0, n);
  std::vector<FeedBar> bars;
  for (int i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    const int y = 1900 + i / 336, m = 1 + (i / 28) % 12, d = 1 + i % 28;
    bars.push_back({"SYM", y * 10000 + m * 100 + d, s.open[k], s.high[k], s.low[k], s.close[k], s.volume[k]});
  }
  return bars;
}

void report(const char* name, std::vector<double> us) {
  if (us.empty()) {
    std::printf("%s,0,,,,\n", name);
    return;
  }
  std::sort(us.begin(), us.end());
  auto q = [&](double f) {
    return us[std::min(us.size() - 1, static_cast<std::size_t>(f * static_cast<double>(us.size())))];
  };
  std::printf("%s,%zu,%.1f,%.1f,%.1f,%.1f\n", name, us.size(), q(0.5), q(0.99), q(0.999), us.back());
}

//! Publishes bars (after the node subscribed), recording the send time of each bar's date.
class Feed {
 public:
  Feed(zmq::context_t& ctx, const std::string& endpoint) : pub_(ctx, zmq::socket_type::xpub) {
    pub_.set(zmq::sockopt::sndhwm, 0);
    pub_.set(zmq::sockopt::linger, 1000);
    pub_.set(zmq::sockopt::rcvtimeo, 5000);
    pub_.connect(endpoint);
    zmq::message_t sub;
    if (!pub_.recv(sub)) throw std::runtime_error("the node never subscribed to the feed");
  }
  void send(const std::vector<FeedBar>& bars, std::size_t from, std::size_t to, double rate,
            std::map<std::int32_t, Clock::time_point>& sent, std::mutex& mu) {
    const auto start = Clock::now();
    for (std::size_t i = from; i < to; ++i) {
      if (rate > 0)
        std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(
                                                  std::chrono::duration<double>(static_cast<double>(i - from) / rate)));
      const std::string body = encode_bar(bars[i]);
      {
        std::lock_guard lock(mu);
        sent[bars[i].date] = Clock::now();
      }
      pub_.send(zmq::buffer(bars[i].symbol), zmq::send_flags::sndmore);
      pub_.send(zmq::buffer(body), zmq::send_flags::none);
    }
  }

 private:
  zmq::socket_t pub_;
};

}  // namespace

int main(int argc, char** argv) {
  // ---- setup ----
  const Params p = parse_args(argc, argv);
  spdlog::set_level(spdlog::level::warn);
  const auto dir = std::filesystem::temp_directory_path() / ("qg_live_bench_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  generate_keys(dir / "approver", false, false);
  generate_keys(dir / "node", true, false);
  const SigningKey approver = load_signing_key(dir / "approver");
  const CurveKeyPair client = load_curve_keypair(dir / "approver");
  LiveConfig cfg;
  cfg.control = cfg.feed = cfg.events = "tcp://127.0.0.1:*";
  cfg.state_dir = dir / "state";
  cfg.server_key = (dir / "node").string();
  cfg.allowed_clients = {client.public_z85};
  cfg.approvers = {{"bench", approver.public_hex}};
  cfg.guardrails.min_sharpe = -100;
  cfg.guardrails.max_drawdown = 1;
  cfg.guardrails.max_daily_loss = 1e9;
  cfg.limits.fsync = p.fsync;
  cfg.limits.poll_ms = 5;
  cfg.limits.heartbeat_ms = 20;
  LiveServer server(cfg);
  std::atomic<bool> stop{false};
  std::thread node([&] { server.run(stop); });
  const ClientOptions opts{server.control_endpoint(), load_curve_keypair(dir / "node").public_z85, client, 10.0};

  zmq::context_t ctx;
  zmq::socket_t events(ctx, zmq::socket_type::sub);
  events.set(zmq::sockopt::rcvhwm, 0);
  events.set(zmq::sockopt::rcvtimeo, 10000);
  for (const char* topic : {"signal", "deployment", "heartbeat"}) events.set(zmq::sockopt::subscribe, topic);
  events.connect(server.events_endpoint());
  std::vector<zmq::message_t> msg;
  do {
    msg.clear();
    if (!zmq::recv_multipart(events, std::back_inserter(msg))) return 1;
  } while (msg[0].to_string() != "heartbeat");  // the subscription is live from here

  std::int64_t version = 0;
  auto promote = [&](double fast, double slow) {
    ApprovalDraft d;
    d.strategy = "sma_crossover";
    d.mode = "long_short";
    d.symbol = "SYM";
    d.params = {{"fast", fast}, {"slow", slow}};
    d.cost_per_unit = 3e-4;
    d.metrics = {{"sharpe", 1.0}, {"max_drawdown", 0.1}};
    d.approver_id = "bench";
    d.version = ++version;
    d.approved_at = qg::now_unix();
    d.expires_at = d.approved_at + 3600;
    const auto start = Clock::now();
    const auto reply =
        control_request(opts, {{"op", "promote"}, {"record", encode_signed(build_approval(d, approver))}});
    if (!reply.value("ok", false)) std::fprintf(stderr, "promotion refused: %s\n", reply.dump().c_str());
    return std::make_pair(start, Clock::now());
  };

  Feed feed(ctx, server.feed_endpoint());
  const auto bars = make_bars(3 * p.bars + p.promotions * 20);
  std::map<std::int32_t, Clock::time_point> sent;
  std::mutex mu;
  std::printf("name,n,p50_us,p99_us,p999_us,max_us\n");

  // ---- timed: bar to signal, full speed then paced ----
  promote(5, 20);
  std::size_t next = 0;
  for (const double rate : {0.0, p.rate}) {
    std::vector<double> lat;
    const std::size_t from = next, to = next + static_cast<std::size_t>(p.bars);
    std::thread t([&] { feed.send(bars, from, to, rate, sent, mu); });
    while (lat.size() < to - from) {
      msg.clear();
      if (!zmq::recv_multipart(events, std::back_inserter(msg))) break;
      const auto now = Clock::now();
      if (msg[0].to_string() != "signal") continue;
      const auto date = nlohmann::json::parse(msg[1].to_string())["date"].get<std::int32_t>();
      std::lock_guard lock(mu);
      lat.push_back(std::chrono::duration<double, std::micro>(now - sent.at(date)).count());
    }
    t.join();
    next = to;
    report(rate == 0 ? "bar_to_signal_full" : "bar_to_signal_paced", lat);
  }

  // ---- timed: promotion, with the feed running at --rate ----
  std::vector<double> reply_us, active_us;
  const std::size_t from = next, to = bars.size();
  std::thread t([&] { feed.send(bars, from, to, p.rate, sent, mu); });
  for (int i = 0; i < p.promotions; ++i) {
    const auto [start, replied] = promote(i % 2 ? 5 : 3, i % 2 ? 20 : 11);
    reply_us.push_back(std::chrono::duration<double, std::micro>(replied - start).count());
    while (true) {
      msg.clear();
      if (!zmq::recv_multipart(events, std::back_inserter(msg))) break;
      if (msg[0].to_string() != "deployment") continue;
      const auto body = nlohmann::json::parse(msg[1].to_string());
      if (body["status"] == "active" && body["deployment"]["version"] == version) {
        active_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
        break;
      }
    }
  }
  t.join();
  report("promote_reply", reply_us);
  report("promote_to_active", active_us);

  // ---- teardown ----
  stop = true;
  node.join();
  std::filesystem::remove_all(dir);
  return 0;
}
