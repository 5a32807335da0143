#pragma once
// The backtest convention shared by every strategy (docs/strategies.md states it for users):
//   - simple returns r[t] = c[t]/c[t-1] - 1;
//   - pos[t] is the position decided at close t from data up to t, held over bar t+1;
//     before bar 0 the book is flat; warm-up bars (indicator undefined) are flat;
//   - held h[t] = pos[t-1] (h[0] = 0); cost k per unit of position change, charged in the bar
//     the new position is first held: net[t] = h[t]*r[t] - k*|h[t] - h[t-1]|, t = 1..T-1;
//     no forced exit at the end (pos[T-1] is never held);
//   - metrics over the T-1 return bars t = 1..T-1 (warm-up included, flat);
//   - ruin (ruin.hpp): the first bar with net[t] <= -1 loses the whole equity: it counts as
//     net -1, and the book is flat from the next bar on (net 0, no trade, no cost), so
//     total_return = cagr = -1, max_drawdown = 1, calmar = -1; mean/std/downside/exposure stay
//     over all the bars (the ones after ruin flat, like warm-up bars); trades and turnover count
//     the changes up to the ruin bar; the trip held over the ruin bar closes there as a loss.
// Over a range of return bars [b, e) (1 <= b < e <= T; walk-forward windows), the positions are
// still the full-history causal ones and the metrics are the same definitions applied to the
// range's n = e - b bars only:
//   - the first bar's cost is the change from the position held before the range,
//     h[b-1] = pos[b-2] (0 when b = 1); trades and turnover count that change too;
//   - equity starts at 1 at the range start: E[b-1] = 1, E[t] = E[t-1]*(1+net[t]); drawdown
//     peaks start there; cagr annualises with n, mean/std/exposure are over the n bars;
//   - round trips are those that open and close inside the range (entry bar and exit bar in
//     [b, e)); a trip already open at b and one still open at e are not counted.
// The whole history is the range [1, T), where both definitions coincide.
#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "qg/kernels/bar_range.hpp"
#include "qg/kernels/position_rows.hpp"
#include "qg/kernels/series.hpp"

namespace qg::kernels {

//! Performance metrics, in this column order everywhere (kernels, HDF5, CLI).
enum class Metric : int {
  kTotalReturn,  // prod(1+net) - 1
  kCagr,         // (1+total_return)^(252/(T-1)) - 1
  kSharpe,       // mean(net)/std(net, ddof=1)*sqrt(252); 0 when std == 0
  kSortino,      // mean(net)/sqrt(mean(min(net,0)^2))*sqrt(252); 0 when the denominator is 0
  kVolatility,   // std(net, ddof=1)*sqrt(252)
  kMaxDrawdown,  // max over t of 1 - E[t]/max(E[0..t]), E[0] = 1, E[t] = E[t-1]*(1+net[t])
  kCalmar,       // cagr / max_drawdown; 0 when max_drawdown == 0
  kTrades,       // number of t in 1..T-1 with h[t] != h[t-1]
  kTurnover,     // sum |h[t] - h[t-1]|
  kExposure,     // share of the T-1 bars with h[t] != 0
  kWinRate,  // share of closed round trips with a gain (each charged its own entry and exit cost); 0 when none closed
  kCount
};
inline constexpr int kNumMetrics = static_cast<int>(Metric::kCount);

//! Column names of the metrics, in Metric order ("total_return", "cagr", "sharpe", ...).
std::span<const std::string_view> metric_names();
//! Index of a metric by name, or -1.
int metric_index(std::string_view name);

//! Computes the metrics of `n_sets` position paths on one series.
//! pos: time-major, pos[t * n_sets + j] in {-1, 0, 1} is set j's position decided at close t.
//! metrics: set-major, metrics[j * kNumMetrics + m].
//! Round trips: a trip opens at the first bar held with a non-zero position h (entry bar) and
//! closes at the first bar held with a different position (exit bar; a flip closes one trip
//! and opens the next in the same bar). Its growth is (1 + h*r[entry] - k|h|) * prod over the
//! bars after entry and before exit of (1 + h*r[t]) * (1 - k|h|): the trip pays its own opening
//! and closing cost (a flip's 2k is split between the two trips). It is a win when growth > 1.
void backtest_metrics(const PreparedSeries& series, const std::int8_t* pos, int n_sets, double cost_per_unit,
                      double* metrics);

//! Plain-loop reference of backtest_metrics for one position path (pos has series.size()
//! entries). Never optimized; the fast kernel is tested against it.
std::array<double, kNumMetrics> backtest_metrics_ref(const PreparedSeries& series, std::span<const std::int8_t> pos,
                                                     double cost_per_unit);

//! backtest_metrics over the return bars `returns` (1 <= begin < end <= T) with the range
//! convention above. `pos` must cover decided_bars_for(returns); metrics: set-major
//! (pos.n_sets * kNumMetrics). backtest_metrics is the case returns = [1, T).
void backtest_metrics_range(const PreparedSeries& series, PositionRows pos, double cost_per_unit, BarRange returns,
                            double* metrics);

//! Plain-loop reference of backtest_metrics_range for one full-history position path
//! (series.size() entries). backtest_metrics_ref is the case returns = [1, T).
std::array<double, kNumMetrics> backtest_metrics_range_ref(const PreparedSeries& series,
                                                           std::span<const std::int8_t> pos, double cost_per_unit,
                                                           BarRange returns);

}  // namespace qg::kernels
