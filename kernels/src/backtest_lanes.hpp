#pragma once
// The lane state of the sweep backtest (backtest.cpp) and the fused loop that drives it from a
// strategy's own position rule (strategies/fused.hpp). simd::kWidth parameter sets ride in the
// lanes of one vector and their running state stays in registers for the whole series; only the final
// metrics use sqrt/pow.
//
// Standard deviation: Welford's update per lane (mean += delta/n; m2 += delta*(x - mean)). All
// lanes share n at a given bar, so 1/n is one scalar per bar and the update stays branch-free.
// It avoids the cancellation of sum-of-squares, and gives exactly 0 for a constant series, as the
// reference does. The mean itself comes from the plain running sum, in the reference's order.
//
// Ruin (backtest.hpp): the first bar whose net return is -1 or below loses the whole equity and
// ends the lane: its net is -1, and from then on the lane holds nothing and pays nothing
// (alive = 0 masks the decided positions), so every later net is 0 and the state stays as it
// was left: equity 0, drawdown 1.
//
// Drawdown: with q = E/peak, q[t] = min(1, q[t-1]*(1+net[t])), so d = 1 - q follows
// d[t] = max(0, d[t-1]*(1+net[t]) - net[t]) without a division per bar, and stays accurate
// when d is small.
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "qg/kernels/backtest.hpp"
#include "simd.hpp"

namespace qg::kernels {
inline namespace QG_KERNEL_TARGET_NS {
namespace lanes {

using simd::Mask;
using simd::VecD;

//! Running state of one lane group of parameter sets; one lane per set.
struct LaneState {
  VecD prev_h{};             // h[t-1]
  VecD sum{}, mean{}, m2{};  // plain sum; Welford mean and sum of squared deviations
  VecD down{};               // sum of min(net, 0)^2
  VecD equity = simd::splat(1.0);
  VecD drawdown{}, max_dd{};
  VecD trades{}, turnover{}, exposed{};           // exposed = sum of h^2, i.e. bars with h != 0
  VecD trip = simd::splat(1.0), closed{}, won{};  // round trips: growth of the open trip
  VecD carried{};                                 // 1 where a trip was open before the first bar (see start_state)
  VecD alive = simd::splat(1.0);                  // 0 once ruined: the lane holds nothing from then on
};

//! True when some bar of `series` could ruin a path at cost k: net >= -|r| - 2k, so none can
//! when max |r| + 2k < 1 (then the ruin bookkeeping of step<true> is skipped: same results).
inline bool can_ruin(const PreparedSeries& series, double cost) {
  return !(series.max_abs_return() + 2.0 * std::abs(cost) < 1.0);  // NaN: assume it can
}

//! Advances the state by one return bar: decided positions held over it, bar return r,
//! 1/(bars so far). With kRuin, a ruined lane holds 0 instead of its decided position.
template <bool kRuin>
inline void step(LaneState& s, VecD decided, double r, double cost, double inv_count) {
  const VecD h = kRuin ? decided * s.alive : decided;
  const VecD dh = h - s.prev_h;
  const VecD abs_dh = simd::vabs(dh);
  // No bar loses more than the whole equity: a net of -1 or below is ruin, counted as -1.
  VecD net = h * r - cost * abs_dh;
  if constexpr (kRuin) net = simd::vmax(simd::splat(-1.0), net);  // in this order, NaN stays NaN
  const Mask ruined = net <= -1.0;                                // only a live lane can be ruined: a ruined one nets 0
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
  if constexpr (kRuin) {
    // Ruin closes the trip held over the bar as a loss; the lane is flat from the next bar on.
    s.closed += simd::select(ruined, h * h, VecD{});  // h*h is 1 where a trip was held; one mask, no &
    s.alive = simd::select(ruined, VecD{}, s.alive);
    s.prev_h = h * s.alive;
  } else {
    s.prev_h = h;
  }
}

//! The state before the first return bar of a range, given the positions held before it.
//! A trip already open there (h_before != 0) opened before the range and is not counted: its
//! growth starts as NaN, so its close never counts as a win (NaN > 1 is false), and
//! finish_lanes removes its close from the closed count. In the whole history h_before = 0.
inline LaneState start_state(VecD h_before) {
  LaneState s;
  s.prev_h = h_before;
  s.carried = simd::select(h_before != 0.0, simd::splat(1.0), VecD{});
  s.trip = simd::select(h_before != 0.0, simd::splat(std::numeric_limits<double>::quiet_NaN()), s.trip);
  return s;
}

//! Writes the metric rows of the first `n_valid` lanes of the final state over `n_bars` return
//! bars (row l at metrics + l * kNumMetrics).
void finish_lanes(const LaneState& s, int n_valid, std::int64_t n_bars, double* metrics);

//! inv[k] = 1/k for k = 1..n (inv[0] unused): the Welford weights, shared by all groups.
std::vector<double> inverse_counts(std::int64_t n);

//! backtest_metrics_range's lane loop (backtest_lanes.cpp), its arguments already checked: this
//! target's entry in TargetKernels.
void backtest_metrics_range_lanes(const PreparedSeries& series, PositionRows pos, double cost_per_unit,
                                  BarRange returns, double* metrics);

//! Metrics of one lane group of parameter sets over the whole history, with the positions decided
//! by `decide(t, prev)` (the lanes' positions at close t, given those at close t-1) fused into
//! the backtest: time is the only loop, the position decided at t-1 is the one held over bar t,
//! and no position row is stored. `inv` comes from inverse_counts(T - 1).
template <bool kRuin, class Decide>
void fused_loop(const PreparedSeries& series, const double* inv, double cost, int n_valid, double* metrics,
                Decide& decide) {
  const double* r = series.returns();
  const std::int64_t n = series.size();
  LaneState s = start_state(VecD{});
  VecD p = decide(std::int64_t{0}, VecD{});  // the book is flat before bar 0
  for (std::int64_t t = 1; t < n; ++t) {
    step<kRuin>(s, p, r[t], cost, inv[t]);
    p = decide(t, p);  // the last one, pos[T-1], is never held: one wasted bar, no branch
  }
  finish_lanes(s, n_valid, n - 1, metrics);
}

template <class Decide>
void fused_group(const PreparedSeries& series, const double* inv, double cost, int n_valid, double* metrics,
                 Decide&& decide) {
  if (can_ruin(series, cost))
    fused_loop<true>(series, inv, cost, n_valid, metrics, decide);
  else
    fused_loop<false>(series, inv, cost, n_valid, metrics, decide);
}

}  // namespace lanes
}  // namespace QG_KERNEL_TARGET_NS
}  // namespace qg::kernels
