#pragma once
// The sweep backtest by runs of constant position (backtest.hpp states the conventions). A
// position path changes rarely: a crossover set over 2,520 daily bars trades some 30 times. So
// the kernels do two cheap things instead of a full per-bar recurrence per set:
//
//  1. Time is the only loop and kWidth parameter sets ride in the lanes of one vector, as before;
//     each bar decides the lanes' positions and compares them with the held ones. Only a change
//     is recorded (LaneChanges): the bar and the new position of that lane.
//  2. Each set's metrics then come from its runs (the bars between two changes). The first bar
//     of a run pays the change's cost and is taken on its own; the rest of a held run sums
//     r, r^2 and the downside squares as differences of the series' prefix sums (RunTables), its
//     growth is a ratio of prefix products, and only the drawdown looks at the run's bars (one
//     multiply, one max and one compare per bar). Flat runs cost nothing after their first bar.
//
// Canonical arithmetic: every path (the fused strategies, the stored position rows of the
// walk-forward windows) calls run_metrics() with the same changes, so they give the same bits.
// The plain per-bar loop of backtest_ref.cpp is the independent reference (agreement to
// rounding, about 1e-13 relative on a 2,520-bar history). The standard deviation comes from the
// sums: m2 = sum(net^2) - sum(net)*mean, taken as 0 below 1e-12 * sum(net^2), the rounding noise
// of the sums, so a constant series has no spread.
//
// Ruin (ruin.hpp): closes are positive, so a long position never nets -1 or less except in a
// bar that pays a change's cost; a short one does when r >= 1. Both are checked exactly: the
// first bar of each run on its own, and the bars with r >= 1 (RunTables::short_ruin_bars) inside
// a short run.
#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "qg/kernels/backtest.hpp"
#include "simd.hpp"

namespace qg::kernels {
inline namespace QG_KERNEL_TARGET_NS {
namespace runs {

using simd::VecD;

//! Prefix tables of the returns of the bars `bars` of one series, from which the sums over any
//! run of those bars are differences, and prefix products from which a run's growth is a ratio.
class RunTables {
 public:
  RunTables(const PreparedSeries& series, BarRange bars);

  //! Sum over bars [a, c) of r, of r^2, of min(r,0)^2 (sign > 0) or max(r,0)^2 (sign < 0).
  double sum(std::int64_t a, std::int64_t c) const { return at(sum_, c) - at(sum_, a); }
  double squares(std::int64_t a, std::int64_t c) const { return at(sq_, c) - at(sq_, a); }
  double downside(double sign, std::int64_t a, std::int64_t c) const {
    const std::vector<double>& d = sign > 0.0 ? down_long_ : down_short_;
    return at(d, c) - at(d, a);
  }
  //! g[t - first()] = prod over bars first()..t of (1 + sign*r): the growth of bars (a, t] is
  //! g[t - first()] / g[a - first()].
  const double* growth(double sign) const { return (sign > 0.0 ? growth_long_ : growth_short_).data(); }
  std::int64_t first() const { return first_; }
  //! False when a prefix product left [1e-280, 1e280]: runs then multiply their bars directly.
  bool growth_ok() const { return growth_ok_; }
  //! The bars with r >= 1 (a short position held over them is ruined), ascending.
  const std::vector<std::int64_t>& short_ruin_bars() const { return short_ruin_; }

 private:
  double at(const std::vector<double>& v, std::int64_t t) const { return v[static_cast<std::size_t>(t - first_)]; }

  std::int64_t first_;
  std::vector<double> sum_, sq_, down_long_, down_short_;  // entry t - first: bars [first, t)
  std::vector<double> growth_long_, growth_short_;         // entry t - first: bars [first, t]
  std::vector<std::int64_t> short_ruin_;
  bool growth_ok_ = true;
};

//! A held run whose drawdown is settled after the path's other figures (backtest_runs.cpp):
//! equity k * g[i] at its bar i, the peak before it, and an upper bound of its drawdown.
struct PendingRun {
  double k, peak, upper;
  const double* g;
  std::int64_t len;
};

//! The position changes of one lane group: lane l's k-th change is at bar bars(l)[k], where it
//! starts holding held(l)[k].
class LaneChanges {
 public:
  //! Room for `max_changes` changes per lane.
  explicit LaneChanges(std::int64_t max_changes);

  void clear() { count_.fill(0); }
  //! Records, for each lane whose bit is set in `lanes`, a change at bar t to h[lane].
  void record(std::int64_t t, unsigned lanes, VecD h) {
    while (lanes != 0) {
      const int l = __builtin_ctz(lanes);
      lanes &= lanes - 1;
      const std::size_t at = static_cast<std::size_t>(l) * capacity_ + static_cast<std::size_t>(count_[l]++);
      bars_[at] = static_cast<std::int32_t>(t);
      held_[at] = static_cast<std::int8_t>(h[l]);
    }
  }
  int count(int l) const { return count_[static_cast<std::size_t>(l)]; }
  const std::int32_t* bars(int l) const { return bars_.data() + static_cast<std::size_t>(l) * capacity_; }
  const std::int8_t* held(int l) const { return held_.data() + static_cast<std::size_t>(l) * capacity_; }
  //! Scratch for run_metrics, reused from set to set.
  std::vector<PendingRun>& pending() { return pending_; }

 private:
  std::size_t capacity_;
  std::vector<std::int32_t> bars_;
  std::vector<std::int8_t> held_;
  std::array<int, simd::kWidth> count_{};
  std::vector<PendingRun> pending_;
};

//! The metric row `out` of one set over the return bars `range`, holding h_before before it,
//! from its `count` changes (bars ascending inside the range, each to a different position).
//! `pending` is scratch.
void run_metrics(const RunTables& tables, const double* r, BarRange range, double h_before, const std::int32_t* bars,
                 const std::int8_t* held, int count, double cost, std::vector<PendingRun>& pending, double* out);

//! run_metrics for the first n_valid lanes of a group (rows at metrics + l * kNumMetrics).
void group_metrics(const RunTables& tables, const double* r, BarRange range, VecD h_before, LaneChanges& changes,
                   int n_valid, double cost, double* metrics);

//! backtest_metrics_range over stored position rows, its arguments already checked: this
//! target's entry in TargetKernels.
void backtest_metrics_range_runs(const PreparedSeries& series, PositionRows pos, double cost_per_unit, BarRange returns,
                                 double* metrics);

//! Metrics of one lane group of parameter sets over the whole history, with the positions
//! decided at close t by `warm(t, prev)` for t < ready and by `decide(t, prev)` from then on
//! (the lanes' positions at close t, given those at close t-1): the position decided at t-1 is
//! held over bar t; only its changes are kept. Two loops, so the steady one has no branch.
template <class Warm, class Decide>
void fused_group_split(const PreparedSeries& series, const RunTables& tables, LaneChanges& changes, double cost,
                       int n_valid, double* metrics, std::int64_t ready, Warm&& warm, Decide&& decide) {
  const std::int64_t n = series.size();
  changes.clear();
  VecD held{};
  VecD p = ready > 0 ? warm(std::int64_t{0}, VecD{}) : decide(std::int64_t{0}, VecD{});  // flat before bar 0
  auto hold = [&](std::int64_t t) {
    const unsigned moved = simd::lane_bits(p != held);
    if (moved != 0) {
      changes.record(t, moved, p);
      held = p;
    }
  };
  const std::int64_t split = std::clamp<std::int64_t>(ready, 1, n);
  std::int64_t t = 1;
  for (; t < split; ++t) {
    hold(t);
    p = warm(t, p);
  }
  for (; t < n; ++t) {
    hold(t);
    p = decide(t, p);  // the last one, pos[T-1], is never held: one wasted bar
  }
  group_metrics(tables, series.returns(), {1, n}, VecD{}, changes, n_valid, cost, metrics);
}

//! fused_group_split with one rule for every bar.
template <class Decide>
void fused_group(const PreparedSeries& series, const RunTables& tables, LaneChanges& changes, double cost, int n_valid,
                 double* metrics, Decide&& decide) {
  fused_group_split(series, tables, changes, cost, n_valid, metrics, 0, decide, decide);
}

}  // namespace runs
}  // namespace QG_KERNEL_TARGET_NS
}  // namespace qg::kernels
