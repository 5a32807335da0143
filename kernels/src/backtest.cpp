// The sweep backtest kernel. Time is the outer loop and parameter sets the inner one: 8 sets
// share each bar's return and ride in the lanes of one vector, their running state kept in
// registers for the whole series. Only the final metrics use sqrt/pow.
//
// Standard deviation: Welford's update per lane (mean += delta/n; m2 += delta*(x - mean)). All
// lanes share n at a given bar, so 1/n is one scalar per bar and the update stays branch-free.
// It avoids the cancellation of sum-of-squares, and gives exactly 0 for a constant series, as the
// reference does. The mean itself comes from the plain running sum, in the reference's order.
//
// Drawdown: with q = E/peak, q[t] = min(1, q[t-1]*(1+net[t])), so d = 1 - q follows
// d[t] = max(0, d[t-1]*(1+net[t]) - net[t]) without a division per bar, and stays accurate
// when d is small.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "qg/core/error.hpp"
#include "qg/kernels/backtest.hpp"
#include "simd.hpp"

namespace qg::kernels {
namespace {

using simd::Mask;
using simd::VecD;
constexpr int kW = simd::kWidth;
constexpr double kBarsPerYear = 252.0;

constexpr std::array<std::string_view, kNumMetrics> kMetricNames = {
    "total_return", "cagr",   "sharpe",   "sortino",  "volatility", "max_drawdown",
    "calmar",       "trades", "turnover", "exposure", "win_rate"};

//! Running state of 8 parameter sets; one lane per set.
struct LaneState {
  VecD prev_h{};             // h[t-1]
  VecD sum{}, mean{}, m2{};  // plain sum; Welford mean and sum of squared deviations
  VecD down{};               // sum of min(net, 0)^2
  VecD equity = simd::splat(1.0);
  VecD drawdown{}, max_dd{};
  VecD trades{}, turnover{}, exposed{};           // exposed = sum of h^2, i.e. bars with h != 0
  VecD trip = simd::splat(1.0), closed{}, won{};  // round trips: growth of the open trip
  VecD carried{};                                 // 1 where a trip was open before the first bar (see start_state)
};

//! Advances the state by one return bar: held positions h, bar return r, 1/(bars so far).
inline void step(LaneState& s, VecD h, double r, double cost, double inv_count) {
  const VecD dh = h - s.prev_h;
  const VecD abs_dh = simd::vabs(dh);
  const VecD net = h * r - cost * abs_dh;
  s.sum += net;
  const VecD delta = net - s.mean;
  s.mean += delta * inv_count;
  s.m2 += delta * (net - s.mean);
  const VecD neg = simd::vmin(net, VecD{});
  s.down += neg * neg;

  const VecD prev_equity = s.equity;
  const VecD growth = 1.0 + net;
  s.equity = prev_equity * growth;
  s.drawdown = simd::vmax(s.drawdown * growth - net, VecD{});
  s.max_dd = simd::vmax(s.max_dd, s.drawdown);

  const Mask changed = dh != 0.0;
  s.trades = simd::count_where(changed, s.trades);
  s.turnover += abs_dh;
  s.exposed += h * h;  // h is -1, 0 or 1
  // A change out of a non-zero position closes a trip; a change into one opens the next. A trip
  // is charged its own opening and closing cost, so a flip's 2k is split between two trips.
  const Mask closes = changed & (s.prev_h != 0.0);
  s.closed = simd::count_where(closes, s.closed);
  const VecD closed_growth = s.trip * (1.0 - cost * simd::vabs(s.prev_h));
  // Two selects rather than one on (closes & win): GCC 12 scalarizes that combined mask.
  s.won = simd::select(closes, simd::count_where(closed_growth > 1.0, s.won), s.won);
  const VecD held_growth = 1.0 + h * r;
  s.trip = simd::select(changed, held_growth - cost * simd::vabs(h), s.trip * held_growth);
  s.prev_h = h;
}

//! Turns lane `l` of the final state into the metric row `out`.
void finish_lane(const LaneState& s, int l, double n, double* out) {
  auto at = [out](Metric k) -> double& { return out[static_cast<int>(k)]; };
  const double equity = s.equity[l];
  at(Metric::kTotalReturn) = equity - 1.0;
  at(Metric::kCagr) = equity > 0.0 ? std::pow(equity, kBarsPerYear / n) - 1.0 : -1.0;
  const double mean = s.sum[l] / n;
  const double sd = n > 1.0 ? std::sqrt(s.m2[l] / (n - 1.0)) : 0.0;
  at(Metric::kSharpe) = sd > 0.0 ? mean / sd * std::sqrt(kBarsPerYear) : 0.0;
  const double down_dev = std::sqrt(s.down[l] / n);
  at(Metric::kSortino) = down_dev > 0.0 ? mean / down_dev * std::sqrt(kBarsPerYear) : 0.0;
  at(Metric::kVolatility) = sd * std::sqrt(kBarsPerYear);
  const double mdd = s.max_dd[l];
  at(Metric::kMaxDrawdown) = mdd;
  at(Metric::kCalmar) = mdd > 0.0 ? at(Metric::kCagr) / mdd : 0.0;
  at(Metric::kTrades) = s.trades[l];
  at(Metric::kTurnover) = s.turnover[l];
  at(Metric::kExposure) = s.exposed[l] / n;
  // The first change closes the trip carried into the range, which is not counted.
  const double closed = s.closed[l] - (s.carried[l] != 0.0 && s.trades[l] > 0.0 ? 1.0 : 0.0);
  at(Metric::kWinRate) = closed > 0.0 ? s.won[l] / closed : 0.0;
}

//! The state before the first return bar of a range, given the positions held before it.
//! A trip already open there (h_before != 0) opened before the range and is not counted: its
//! growth starts as NaN, so its close never counts as a win (NaN > 1 is false), and finish_lane
//! removes its close from the closed count. In the whole history h_before = 0.
LaneState start_state(VecD h_before) {
  LaneState s;
  s.prev_h = h_before;
  s.carried = simd::select(h_before != 0.0, simd::splat(1.0), VecD{});
  s.trip = simd::select(h_before != 0.0, simd::splat(std::numeric_limits<double>::quiet_NaN()), s.trip);
  return s;
}

//! Metrics of 8 sets over the return bars `returns`: pos.row(t) points at their positions
//! decided at bar t (pos.n_sets is the row stride). Writes the first `n_valid` metric rows.
//! `inv_count[k]` is 1/k, shared by all groups.
void run_lanes(const PreparedSeries& series, const double* inv_count, PositionRows pos, BarRange returns, double cost,
               int n_valid, double* metrics) {
  const double* r = series.returns();
  LaneState s = start_state(returns.begin >= 2 ? simd::load_i8(pos.row(returns.begin - 2)) : VecD{});
  for (std::int64_t t = returns.begin; t < returns.end; ++t)
    step(s, simd::load_i8(pos.row(t - 1)), r[t], cost, inv_count[t - returns.begin + 1]);
  for (int l = 0; l < n_valid; ++l) finish_lane(s, l, static_cast<double>(returns.size()), metrics + l * kNumMetrics);
}

}  // namespace

std::span<const std::string_view> metric_names() { return kMetricNames; }

int metric_index(std::string_view name) {
  const auto it = std::find(kMetricNames.begin(), kMetricNames.end(), name);
  return it == kMetricNames.end() ? -1 : static_cast<int>(it - kMetricNames.begin());
}

void backtest_metrics(const PreparedSeries& series, const std::int8_t* pos, int n_sets, double cost_per_unit,
                      double* metrics) {
  if (n_sets < 0) throw KernelError("backtest_metrics: negative n_sets");
  backtest_metrics_range(series, PositionRows{pos, n_sets, {0, series.size()}}, cost_per_unit, {1, series.size()},
                         metrics);
}

void backtest_metrics_range(const PreparedSeries& series, PositionRows pos, double cost_per_unit, BarRange returns,
                            double* metrics) {
  check_range(returns, 1, series.size(), "backtest_metrics_range");
  if (returns.empty()) throw KernelError("backtest_metrics_range: empty range of return bars");
  if (pos.n_sets < 0) throw KernelError("backtest_metrics_range: negative n_sets");
  const BarRange decided = decided_bars_for(returns);
  if (!pos.bars.contains(decided))
    throw KernelError("backtest_metrics_range: the positions do not cover the bars the returns need");
  std::vector<double> inv_count(static_cast<std::size_t>(returns.size() + 1));
  for (std::int64_t k = 1; k <= returns.size(); ++k) inv_count[k] = 1.0 / static_cast<double>(k);
  const int n_sets = pos.n_sets;
  const int full = n_sets / kW * kW;
  for (int j = 0; j < full; j += kW)
    run_lanes(series, inv_count.data(), PositionRows{pos.data + j, n_sets, pos.bars}, returns, cost_per_unit, kW,
              metrics + static_cast<std::ptrdiff_t>(j) * kNumMetrics);
  const int rest = n_sets - full;
  if (rest == 0) return;
  // The last partial group runs on a zero-padded copy, so the vector loop never reads past a row.
  std::vector<std::int8_t> padded(static_cast<std::size_t>(decided.size()) * kW, 0);
  for (std::int64_t t = decided.begin; t < decided.end; ++t)
    std::copy_n(pos.row(t) + full, rest, padded.begin() + (t - decided.begin) * kW);
  run_lanes(series, inv_count.data(), PositionRows{padded.data(), kW, decided}, returns, cost_per_unit, rest,
            metrics + static_cast<std::ptrdiff_t>(full) * kNumMetrics);
}

}  // namespace qg::kernels
