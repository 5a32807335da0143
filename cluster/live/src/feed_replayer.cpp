#include "qg/live/feed_replayer.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>
#include <zmq.hpp>

#include "qg/core/error.hpp"

namespace qg::live {

std::vector<FeedBar> interleave_bars(const MarketData& data) {
  std::vector<FeedBar> bars;
  for (const auto& s : data.symbols)
    for (std::size_t i = 0; i < s.size(); ++i)
      bars.push_back({s.symbol, s.date[i], s.open[i], s.high[i], s.low[i], s.close[i], s.volume[i]});
  // Stable: within one date the symbols keep their order.
  std::stable_sort(bars.begin(), bars.end(), [](const FeedBar& a, const FeedBar& b) { return a.date < b.date; });
  return bars;
}

ReplayStats replay_bars(const std::vector<FeedBar>& bars, const ReplayOptions& o) {
  using Clock = std::chrono::steady_clock;
  zmq::context_t ctx;
  zmq::socket_t pub(ctx, zmq::socket_type::xpub);
  pub.set(zmq::sockopt::sndhwm, 0);  // a bounded replay: queue everything rather than drop
  pub.set(zmq::sockopt::linger, o.linger_ms);
  pub.connect(o.endpoint);
  // ---- wait for the node's subscription (slow joiner) ----
  const auto deadline = Clock::now() + std::chrono::duration<double>(o.wait_s);
  bool subscribed = false;
  while (!subscribed && Clock::now() < deadline) {
    std::array<zmq::pollitem_t, 1> items{{{pub.handle(), 0, ZMQ_POLLIN, 0}}};
    zmq::poll(items.data(), 1, std::chrono::milliseconds(50));
    zmq::message_t sub;
    if ((items[0].revents & ZMQ_POLLIN) && pub.recv(sub, zmq::recv_flags::dontwait) && !sub.empty() &&
        static_cast<const char*>(sub.data())[0] == 1)
      subscribed = true;
  }
  if (!subscribed) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%g", o.wait_s);
    throw ClusterError("no subscriber on " + o.endpoint + " within " + seconds + "s: is the live node running?");
  }
  // ---- send ----
  const auto start = Clock::now();
  ReplayStats stats;
  for (const FeedBar& bar : bars) {
    if (o.speed > 0)
      std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                                                static_cast<double>(stats.bars) / o.speed)));
    const std::string body = encode_bar(bar);
    pub.send(zmq::buffer(bar.symbol), zmq::send_flags::sndmore);
    pub.send(zmq::buffer(body), zmq::send_flags::none);
    ++stats.bars;
  }
  stats.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return stats;
}

}  // namespace qg::live
