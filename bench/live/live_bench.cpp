// Latency of the live node, in one process over tcp://127.0.0.1 (node thread, feed thread,
// control client and events subscriber in this driver, all timed on one steady clock):
//   bar_to_signal_full   bar sent by the feed -> its "signal" event received, feed at full speed
//   bar_to_signal_paced  the same with the feed paced at --rate bars/s
//   promote_reply        promote request sent -> the node's reply received
//   promote_to_active    promote request sent -> "deployment active" event received, feed at --rate
//   bar_to_signal_full_Nsym  the deployed symbol's bars among --symbols symbols (--rounds bars
//                        each, interleaved), feed at full speed
// Prints CSV: name,n,p50_us,p99_us,p999_us,max_us; then name,bars,seconds,bars_per_s: the
// feed at full speed, from the first bar sent to the node's "bar" event of the last one.
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
#include <time.h>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "qg/live/approval.hpp"
#include "qg/live/control_client.hpp"
#include "qg/live/feed_bar.hpp"
#include "qg/live/keys.hpp"
#include "qg/live/live_node.hpp"
#include "qg/live/live_server.hpp"
#include "qg/kernels/synthetic.hpp"

#include "bare_relay.hpp"

namespace {

using namespace qg::live;
using Clock = std::chrono::steady_clock;

struct Params {
  int bars = 2000;
  int promotions = 50;
  double rate = 1000.0;
  bool fsync = false;
  int symbols = 100;
  int rounds = 200;
  bool ipc = false;  // the feed and events endpoints (node and relay) on ipc:// instead of tcp://
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
    else if (key == "--symbols")
      p.symbols = std::max(1, static_cast<int>(v));
    else if (key == "--rounds")
      p.rounds = static_cast<int>(v);
    else if (key == "--ipc")
      p.ipc = v != 0;
  }
  return p;
}

//! The i-th date from `first_year` on (28-day months).
std::int32_t date_of(int first_year, int i) {
  const int y = first_year + i / 336, m = 1 + (i / 28) % 12, d = 1 + i % 28;
  return y * 10000 + m * 100 + d;
}

std::vector<FeedBar> make_bars(int n) {
  const auto s = qg::kernels::generate_bars(1, 0, n);
  std::vector<FeedBar> bars;
  for (int i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    bars.push_back({"SYM", date_of(1900, i), s.open[k], s.high[k], s.low[k], s.close[k], s.volume[k]});
  }
  return bars;
}

//! `rounds` dates from 2000 on, each with one bar of every symbol: SYM (the deployed one,
//! after the single-symbol bars' dates) and S001... .
std::vector<FeedBar> make_symbol_bars(int symbols, int rounds) {
  std::vector<FeedBar> bars;
  for (int j = 0; j < symbols; ++j) {
    const auto s = qg::kernels::generate_bars(2, static_cast<std::uint32_t>(j), rounds);
    char name[16];
    std::snprintf(name, sizeof name, "S%03d", j);
    for (int i = 0; i < rounds; ++i) {
      const auto k = static_cast<std::size_t>(i);
      bars.push_back(
          {j == 0 ? "SYM" : name, date_of(2000, i), s.open[k], s.high[k], s.low[k], s.close[k], s.volume[k]});
    }
  }
  std::stable_sort(bars.begin(), bars.end(), [](const FeedBar& a, const FeedBar& b) { return a.date < b.date; });
  return bars;
}

//! Scales the SYM bars of `many` so that they start at the close of the SYM bar of `last_date`
//! in `sent_bars`: a jump between the two series could ruin the position held and halt the node.
void continue_from(std::vector<FeedBar>& many, const std::vector<FeedBar>& sent_bars, std::int32_t last_date) {
  const auto last =
      std::find_if(sent_bars.begin(), sent_bars.end(), [&](const FeedBar& b) { return b.date == last_date; });
  const auto first = std::find_if(many.begin(), many.end(), [](const FeedBar& b) { return b.symbol == "SYM"; });
  if (last == sent_bars.end() || first == many.end()) return;
  const double scale = last->close / first->open;
  for (FeedBar& b : many)
    if (b.symbol == "SYM") {
      b.open *= scale;
      b.high *= scale;
      b.low *= scale;
      b.close *= scale;
    }
}

void report_rate(const char* name, std::size_t bars, double seconds) {
  std::printf("%s,%zu,%.4f,%.0f\n", name, bars, seconds, static_cast<double>(bars) / seconds);
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

//! Serialises every event as the ZeroMQ sink does, without sending it.
class DumpSink final : public EventSink {
 public:
  void publish(const std::string& type, const nlohmann::json& body) noexcept override {
    bytes_ += type.size() + body.dump().size();
  }
  void publish_text(const std::string& type, const std::string& body) noexcept override {
    bytes_ += type.size() + body.size();
  }
  std::size_t bytes() const { return bytes_; }

 private:
  std::size_t bytes_ = 0;
};

double thread_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

//! The node alone, no sockets: every bar's feed frames handed to on_feed_message in this
//! thread, each call timed; throughput per wall and per thread-CPU second (the latter barely
//! depends on other load on the machine).
void node_only(const LiveConfig& cfg, const std::string& record, const std::vector<FeedBar>& bars, int symbols) {
  DumpSink sink;
  LiveNode node(cfg, sink);
  if (!nlohmann::json::parse(node.handle_request(nlohmann::json{{"op", "promote"}, {"record", record}}.dump(), "b"))
           .value("ok", false))
    std::fprintf(stderr, "node_only: promotion refused\n");
  std::vector<std::vector<std::string>> frames;
  for (const FeedBar& b : bars) frames.push_back({b.symbol, encode_bar(b)});
  std::vector<double> us;
  us.reserve(frames.size());
  const double cpu0 = thread_cpu_seconds();
  const auto wall0 = Clock::now();
  for (const auto& f : frames) {
    const auto t0 = Clock::now();
    node.on_feed_message(f);
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  const double wall = std::chrono::duration<double>(Clock::now() - wall0).count();
  const double cpu = thread_cpu_seconds() - cpu0;
  const std::string name = "node_only_" + std::to_string(symbols) + "sym";
  report((name + "_per_bar").c_str(), us);
  std::printf("name,bars,seconds,bars_per_s\n");
  report_rate((name + "_wall").c_str(), frames.size(), wall);
  report_rate((name + "_cpu").c_str(), frames.size(), cpu);
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
  //! Sends bars[from, to) at `rate` bars/s (0: full speed), or until `halt` is set.
  void send(const std::vector<FeedBar>& bars, std::size_t from, std::size_t to, double rate,
            std::map<std::int32_t, Clock::time_point>& sent, std::mutex& mu, const std::atomic<bool>* halt = nullptr) {
    const auto start = Clock::now();
    for (std::size_t i = from; i < to && !(halt != nullptr && halt->load()); ++i) {
      if (rate > 0)
        std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(
                                                  std::chrono::duration<double>(static_cast<double>(i - from) / rate)));
      const std::string body = encode_bar(bars[i]);
      if (bars[i].symbol == "SYM") {  // the deployed symbol: its dates are unique
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

//! What a subscriber saw: the latency of each signal (send of its bar -> receipt), and when the
//! last counted event arrived.
struct Arrivals {
  std::vector<double> us;
  Clock::time_point last;
  std::vector<double> in_us, out_us;  // a relay's signals: bar sent -> relay thread, relay send -> receipt
};

//! Receives events until `count` events of topic `counted` arrived (or a receive timed out);
//! signals of dates before `first_date` (a late one of an earlier feed) are skipped.
Arrivals receive(zmq::socket_t& events, std::size_t count, const std::string& counted, std::int32_t first_date,
                 const std::map<std::int32_t, Clock::time_point>& sent, std::mutex& mu) {
  Arrivals a{{}, Clock::now(), {}, {}};
  std::vector<zmq::message_t> msg;
  for (std::size_t seen = 0; seen < count;) {
    msg.clear();
    if (!zmq::recv_multipart(events, std::back_inserter(msg))) break;
    const auto now = Clock::now();
    const std::string topic = msg[0].to_string();
    if (topic == counted) {
      ++seen;
      a.last = now;
    }
    if (topic != "signal") continue;
    const auto date = nlohmann::json::parse(msg[1].to_string())["date"].get<std::int32_t>();
    if (date < first_date) continue;
    std::lock_guard lock(mu);
    const Clock::time_point at = sent.at(date);
    a.us.push_back(std::chrono::duration<double, std::micro>(now - at).count());
    if (msg.size() == 3 && msg[2].size() == 2 * sizeof(std::int64_t)) {
      std::int64_t stamps[2];
      std::memcpy(stamps, msg[2].data(), sizeof stamps);
      const auto ns = [](std::int64_t t) { return Clock::time_point(std::chrono::nanoseconds(t)); };
      a.in_us.push_back(std::chrono::duration<double, std::micro>(ns(stamps[0]) - at).count());
      a.out_us.push_back(std::chrono::duration<double, std::micro>(now - ns(stamps[1])).count());
    }
  }
  return a;
}

//! A subscriber of `topics` on `endpoint`, waiting at most 10 s for a message.
zmq::socket_t subscriber(zmq::context_t& ctx, const std::string& endpoint, std::initializer_list<const char*> topics) {
  zmq::socket_t s(ctx, zmq::socket_type::sub);
  s.set(zmq::sockopt::rcvhwm, 0);
  s.set(zmq::sockopt::rcvtimeo, 10000);
  for (const char* topic : topics) s.set(zmq::sockopt::subscribe, topic);
  s.connect(endpoint);
  return s;
}

//! The same feed and subscriber around a BareRelay instead of the node: the floor of the socket
//! path on this machine (relay_paced, relay_full_Nsym), on `endpoint`'s transport.
void relay_floor(zmq::context_t& ctx, const std::string& transport, const std::vector<FeedBar>& bars,
                 const std::vector<FeedBar>& many, double rate, int symbols) {
  const bool ipc = transport == "ipc";
  const std::string base = std::filesystem::temp_directory_path() / ("qg_relay_" + std::to_string(::getpid()));
  BareRelay relay(ipc ? "ipc://" + base + ".feed" : "tcp://127.0.0.1:*",
                  ipc ? "ipc://" + base + ".events" : "tcp://127.0.0.1:*");
  zmq::socket_t events = subscriber(ctx, relay.events_endpoint(), {"signal", "bar"});
  Feed feed(ctx, relay.feed_endpoint());
  std::map<std::int32_t, Clock::time_point> sent;
  std::mutex mu;
  // Probe until the subscription is live: the relay forwards bars of dates before 1900 as well.
  events.set(zmq::sockopt::rcvtimeo, 20);
  std::vector<FeedBar> probe{{"PROBE", 18000101, 1, 1, 1, 1, 1}};
  std::vector<zmq::message_t> msg;
  do {
    feed.send(probe, 0, 1, 0.0, sent, mu);
    msg.clear();
  } while (!zmq::recv_multipart(events, std::back_inserter(msg)));
  while (zmq::recv_multipart(events, std::back_inserter(msg))) {}
  events.set(zmq::sockopt::rcvtimeo, 10000);
  std::thread paced([&] { feed.send(bars, 0, bars.size(), rate, sent, mu); });
  Arrivals a = receive(events, bars.size(), "signal", bars.front().date, sent, mu);
  paced.join();
  report(("relay_" + transport + "_paced").c_str(), a.us);
  report(("relay_" + transport + "_paced_hop_in").c_str(), a.in_us);
  report(("relay_" + transport + "_paced_hop_out").c_str(), a.out_us);
  const auto start = Clock::now();
  std::thread full([&] { feed.send(many, 0, many.size(), 0.0, sent, mu); });
  a = receive(events, many.size(), "bar", many.front().date, sent, mu);
  full.join();
  report(("relay_" + transport + "_full_" + std::to_string(symbols) + "sym").c_str(), a.us);
  std::printf("name,bars,seconds,bars_per_s\n");
  report_rate(("relay_" + transport + "_full_" + std::to_string(symbols) + "sym").c_str(), many.size(),
              std::chrono::duration<double>(a.last - start).count());
}

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
  if (p.ipc) {
    cfg.feed = "ipc://" + (dir / "feed").string();
    cfg.events = "ipc://" + (dir / "events").string();
  }
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
  auto server_ptr = std::make_unique<LiveServer>(cfg);
  LiveServer& server = *server_ptr;
  std::atomic<bool> stop{false};
  std::thread node([&] { server.run(stop); });
  const ClientOptions opts{server.control_endpoint(), load_curve_keypair(dir / "node").public_z85, client, 10.0};

  zmq::context_t ctx;
  zmq::socket_t events = subscriber(ctx, server.events_endpoint(), {"signal", "deployment", "heartbeat"});
  std::vector<zmq::message_t> msg;
  do {
    msg.clear();
    if (!zmq::recv_multipart(events, std::back_inserter(msg))) return 1;
  } while (msg[0].to_string() != "heartbeat");  // the subscription is live from here

  std::int64_t version = 0;
  auto record_for = [&](double fast, double slow, std::int64_t v) {
    ApprovalDraft d;
    d.strategy = "sma_crossover";
    d.mode = "long_short";
    d.symbol = "SYM";
    d.params = {{"fast", fast}, {"slow", slow}};
    d.cost_per_unit = 3e-4;
    d.metrics = {{"sharpe", 1.0}, {"max_drawdown", 0.1}};
    d.approver_id = "bench";
    d.version = v;
    d.approved_at = qg::now_unix();
    d.expires_at = d.approved_at + 3600;
    return encode_signed(build_approval(d, approver));
  };
  auto promote = [&](double fast, double slow) {
    const std::string record = record_for(fast, slow, ++version);
    const auto start = Clock::now();
    const auto reply = control_request(opts, {{"op", "promote"}, {"record", record}});
    if (!reply.value("ok", false)) std::fprintf(stderr, "promotion refused: %s\n", reply.dump().c_str());
    return std::make_pair(start, Clock::now());
  };

  Feed feed(ctx, server.feed_endpoint());
  const auto bars = make_bars(3 * p.bars + p.promotions * 500);  // the promotions' feed stops when they are done
  std::map<std::int32_t, Clock::time_point> sent;
  std::mutex mu;
  std::printf("name,n,p50_us,p99_us,p999_us,max_us\n");

  // ---- timed: bar to signal, full speed then paced ----
  promote(5, 20);
  std::size_t next = 0;
  double full_seconds = 0;
  for (const double rate : {0.0, p.rate}) {
    const std::size_t from = next, to = next + static_cast<std::size_t>(p.bars);
    const auto start = Clock::now();
    std::thread t([&] { feed.send(bars, from, to, rate, sent, mu); });
    const Arrivals a = receive(events, to - from, "signal", bars[from].date, sent, mu);
    t.join();
    next = to;
    if (rate == 0) full_seconds = std::chrono::duration<double>(a.last - start).count();
    report(rate == 0 ? "bar_to_signal_full" : "bar_to_signal_paced", a.us);
  }

  // ---- timed: promotion, with the feed running at --rate ----
  std::vector<double> reply_us, active_us;
  const std::size_t from = next, to = bars.size();
  std::atomic<bool> promotions_done{false};
  std::thread t([&] { feed.send(bars, from, to, p.rate, sent, mu, &promotions_done); });
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
  promotions_done = true;
  t.join();
  report("promote_reply", reply_us);
  report("promote_to_active", active_us);

  // ---- timed: --symbols symbols at full speed, counted by the node's "bar" events ----
  events.set(zmq::sockopt::subscribe, "bar");
  for (int beats = 0; beats < 2;) {  // the new subscription is live after two heartbeats
    msg.clear();
    if (!zmq::recv_multipart(events, std::back_inserter(msg))) return 1;
    beats += msg[0].to_string() == "heartbeat";
  }
  auto many = make_symbol_bars(p.symbols, p.rounds);
  continue_from(many, bars, sent.rbegin()->first);
  const auto many_start = Clock::now();
  std::thread many_feed([&] { feed.send(many, 0, many.size(), 0.0, sent, mu); });
  const Arrivals many_seen = receive(events, many.size(), "bar", many.front().date, sent, mu);
  many_feed.join();
  const std::string many_name = "bar_to_signal_full_" + std::to_string(p.symbols) + "sym";
  report(many_name.c_str(), many_seen.us);
  std::printf("name,bars,seconds,bars_per_s\n");
  report_rate("full_1sym", static_cast<std::size_t>(p.bars), full_seconds);
  report_rate(("full_" + std::to_string(p.symbols) + "sym").c_str(), many.size(),
              std::chrono::duration<double>(many_seen.last - many_start).count());

  // ---- teardown ----
  stop = true;
  node.join();
  server_ptr.reset();  // the node's shutdown checkpoint

  // ---- the node alone, same bars, no sockets ----
  LiveConfig alone = cfg;
  alone.state_dir = dir / "state_alone";
  node_only(alone, record_for(5, 20, 1), many, p.symbols);

  // ---- the floor: the same feed and subscriber around a relay with no node ----
  std::printf("name,n,p50_us,p99_us,p999_us,max_us\n");
  const std::vector<FeedBar> paced_bars(bars.begin(), bars.begin() + p.bars);
  relay_floor(ctx, p.ipc ? "ipc" : "tcp", paced_bars, many, p.rate, p.symbols);
  std::filesystem::remove_all(dir);
  return 0;
}
