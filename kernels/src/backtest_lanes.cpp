// The sweep backtest kernel over stored position rows (the walk-forward path; the sweep fuses
// each strategy's rule into the same loop instead, see backtest_lanes.hpp). Time is the outer
// loop and parameter sets the inner one: kWidth sets share each bar's return and ride in the lanes of
// one vector, their running state kept in registers for the whole series. Compiled once per CPU
// target (target_kernels.hpp); backtest.cpp checks the arguments and calls the chosen copy.
#include <algorithm>
#include <cmath>
#include <vector>

#include "backtest_lanes.hpp"
#include "qg/kernels/backtest.hpp"
#include "simd.hpp"

namespace qg::kernels {
inline namespace QG_KERNEL_TARGET_NS {
namespace {

using lanes::LaneState;
using simd::VecD;
constexpr int kW = simd::kWidth;
constexpr double kBarsPerYear = 252.0;

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
  // The first change, or ruin before any, closes the trip carried into the range, which is not counted.
  const bool carried_closed = s.carried[l] != 0.0 && (s.trades[l] > 0.0 || s.alive[l] == 0.0);
  const double closed = s.closed[l] - (carried_closed ? 1.0 : 0.0);
  at(Metric::kWinRate) = closed > 0.0 ? s.won[l] / closed : 0.0;
}

//! Metrics of one lane group of sets over the return bars `returns`: pos.row(t) points at their positions
//! decided at bar t (pos.n_sets is the row stride). Writes the first `n_valid` metric rows.
//! `inv_count[k]` is 1/k, shared by all groups.
void run_lanes(const PreparedSeries& series, const double* inv_count, PositionRows pos, BarRange returns, double cost,
               int n_valid, double* metrics) {
  const double* r = series.returns();
  LaneState s = lanes::start_state(returns.begin >= 2 ? simd::load_i8(pos.row(returns.begin - 2)) : VecD{});
  if (lanes::can_ruin(series, cost))
    for (std::int64_t t = returns.begin; t < returns.end; ++t)
      lanes::step<true>(s, simd::load_i8(pos.row(t - 1)), r[t], cost, inv_count[t - returns.begin + 1]);
  else
    for (std::int64_t t = returns.begin; t < returns.end; ++t)
      lanes::step<false>(s, simd::load_i8(pos.row(t - 1)), r[t], cost, inv_count[t - returns.begin + 1]);
  lanes::finish_lanes(s, n_valid, returns.size(), metrics);
}

}  // namespace

namespace lanes {

void backtest_metrics_range_lanes(const PreparedSeries& series, PositionRows pos, double cost_per_unit,
                                  BarRange returns, double* metrics) {
  const BarRange decided = decided_bars_for(returns);
  const std::vector<double> inv_count = inverse_counts(returns.size());
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

void finish_lanes(const LaneState& s, int n_valid, std::int64_t n_bars, double* metrics) {
  for (int l = 0; l < n_valid; ++l) finish_lane(s, l, static_cast<double>(n_bars), metrics + l * kNumMetrics);
}

std::vector<double> inverse_counts(std::int64_t n) {
  std::vector<double> inv(static_cast<std::size_t>(n + 1), 0.0);
  for (std::int64_t k = 1; k <= n; ++k) inv[static_cast<std::size_t>(k)] = 1.0 / static_cast<double>(k);
  return inv;
}

}  // namespace lanes
}  // namespace QG_KERNEL_TARGET_NS
}  // namespace qg::kernels
