#pragma once
// The round trips of one position path, as the backtest counts them for win_rate (backtest.hpp):
// a trip opens at the first bar held with a non-zero position and closes at the first later
// bar held with a different position (a flip closes one trip and opens the next in the same
// bar). A trip pays its own opening cost k|h| in its entry bar and its closing cost k|h| at its
// exit, so a flip's 2k is split between the two trips.
#include <cstdint>
#include <span>
#include <vector>

namespace qg::kernels {

//! One round trip over the return bars [entry_bar, exit_bar) of a path.
struct RoundTrip {
  std::int64_t entry_bar = 0;  // first return bar held with `side`
  std::int64_t exit_bar = -1;  // first return bar held differently; -1 while still open at the end
  std::int8_t side = 0;        // +1 long, -1 short
  double growth = 1.0;         // (1 + h r[entry] - k|h|) * prod (1 + h r[t]) * (1 - k|h| if closed)
  double cost = 0.0;           // cost charged to the trip: k|h| to open, k|h| more once closed
};

//! The round trips of `held` (held[t]: position held over return bar t, held[0] = 0) on the
//! simple returns `returns` (same length; returns[0] unused) at cost k per unit of position
//! change, in entry order. A trip still open at the last bar is listed with exit_bar = -1,
//! marked to that bar without a closing cost. Closed trips with growth > 1 are the wins of
//! backtest_metrics' win_rate. A plain loop: it is its own reference.
std::vector<RoundTrip> round_trips(std::span<const double> returns, std::span<const std::int8_t> held, double k);

}  // namespace qg::kernels
