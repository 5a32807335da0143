#pragma once
// Replays stored bars onto a live node's feed endpoint. PUB/SUB drops what is sent before a
// subscription arrives (the slow joiner), so the replayer uses an XPUB socket and sends the
// first bar only after it has seen the node's subscription.
#include <cstdint>
#include <string>
#include <vector>

#include "qg/live/feed_bar.hpp"
#include "qg/core/market_data.hpp"

namespace qg::live {

struct ReplayOptions {
  std::string endpoint;   // the node's feed endpoint (the replayer connects)
  double speed = 0.0;     // bars per second; 0 = as fast as possible
  double wait_s = 10.0;   // longest wait for the node's subscription
  int linger_ms = 10000;  // longest wait for queued bars to leave at the end
};

struct ReplayStats {
  std::int64_t bars = 0;
  double seconds = 0.0;
};

//! Bars of all symbols merged by date (symbols in the given order within a date).
std::vector<FeedBar> interleave_bars(const MarketData& data);
//! Sends the bars in order. Throws ClusterError when no subscriber shows up within wait_s.
ReplayStats replay_bars(const std::vector<FeedBar>& bars, const ReplayOptions& options);

}  // namespace qg::live
