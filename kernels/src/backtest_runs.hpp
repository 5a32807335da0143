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
#include <memory>
#include <vector>

#include "qg/kernels/backtest.hpp"
#include "qg/kernels/run_tables.hpp"
#include "simd.hpp"

namespace qg::kernels {
inline namespace QG_KERNEL_TARGET_NS {
namespace runs {

using simd::VecD;

//! A held run whose drawdown is settled after the path's other figures (backtest_runs.cpp):
//! equity k * g[i] at its bar i, the peak before it, and an upper bound of its drawdown.
struct PendingRun {
  double k, peak, upper;
  const double* g;
  std::int64_t len;
};

//! The position changes of up to four lane groups (kLanes lanes): lane l's k-th change is at
//! bar bars(l)[k], where it starts holding held(l)[k].
class LaneChanges {
 public:
  static constexpr int kLanes = 4 * simd::kWidth;

  //! Room for `max_changes` changes per lane (uninitialised: only recorded entries are read).
  explicit LaneChanges(std::int64_t max_changes);

  void clear() { count_.fill(0); }
  //! Records, for each lane whose bit is set in `lanes`, a change at bar t to its position:
  //! lane l < kWidth holds h[l], lane kWidth + l holds h2[l].
  void record(std::int64_t t, unsigned lanes, VecD h, VecD h2 = VecD{}) {
    for_lanes(lanes, [&](int l) { append(l, t, l < simd::kWidth ? h[l] : h2[l - simd::kWidth]); });
  }
  //! record() for a long_flat group: lane l now holds bit l of `long_bits` (1 or 0).
  void record_bits(std::int64_t t, unsigned lanes, unsigned long_bits) {
    for_lanes(lanes, [&](int l) { append(l, t, static_cast<double>(long_bits >> l & 1U)); });
  }
  int count(int l) const { return count_[static_cast<std::size_t>(l)]; }
  const std::int32_t* bars(int l) const { return bars_.get() + static_cast<std::size_t>(l) * capacity_; }
  const std::int8_t* held(int l) const { return held_.get() + static_cast<std::size_t>(l) * capacity_; }
  //! Scratch for run_metrics, reused from set to set.
  std::vector<PendingRun>& pending() { return pending_; }

 private:
  template <class Each>
  static void for_lanes(unsigned lanes, Each&& each) {
    for (; lanes != 0; lanes &= lanes - 1) each(__builtin_ctz(lanes));
  }
  void append(int l, std::int64_t t, double held) {
    const std::size_t at = static_cast<std::size_t>(l) * capacity_ + static_cast<std::size_t>(count_[l]++);
    bars_[at] = static_cast<std::int32_t>(t);
    held_[at] = static_cast<std::int8_t>(held);
  }

  std::size_t capacity_;
  std::unique_ptr<std::int32_t[]> bars_;
  std::unique_ptr<std::int8_t[]> held_;
  std::array<int, kLanes> count_{};
  std::vector<PendingRun> pending_;
};

//! The metric row `out` of one set over the return bars `range`, holding h_before before it,
//! from its `count` changes (bars ascending inside the range, each to a different position).
//! `pending` is scratch.
void run_metrics(const RunTables& tables, const double* r, BarRange range, double h_before, const std::int32_t* bars,
                 const std::int8_t* held, int count, double cost, std::vector<PendingRun>& pending, double* out);

//! run_metrics for the first n_valid lanes of `changes` (rows at metrics + l * kNumMetrics), lane
//! l holding h_before[l] before the range (lanes past kWidth: 0).
void group_metrics(const RunTables& tables, const double* r, BarRange range, VecD h_before, LaneChanges& changes,
                   int n_valid, double cost, double* metrics);

//! backtest_metrics_range over stored position rows, its arguments already checked: this
//! target's entry in TargetKernels.
void backtest_metrics_range_runs(const PreparedSeries& series, PositionRows pos, double cost_per_unit, BarRange returns,
                                 double* metrics);

//! The time loop of every fused path, over the whole history: the positions P of one or more
//! lane groups (a VecD, a LanePair or long bits) decided at close t by `warm(t, prev)` for
//! quiet <= t < ready and by `decide(t, prev)` from then on, every lane flat at the bars before
//! `quiet` (its warm-up, not evaluated). The position decided at t-1 is held over bar t;
//! `record(t, p, held)` records the lanes whose held position changes there and says whether any
//! did. Two loops, so the steady one has no branch; then each lane's metrics from its runs.
template <class P, class Warm, class Decide, class Record>
void drive(const PreparedSeries& series, LaneChanges& changes, double cost, int n_valid, double* metrics,
           std::int64_t quiet, std::int64_t ready, Warm&& warm, Decide&& decide, Record&& record) {
  const std::int64_t n = series.size();
  changes.clear();
  P held{};
  const std::int64_t t0 = std::clamp<std::int64_t>(quiet, 0, n - 1);
  P p = t0 < ready ? warm(t0, P{}) : decide(t0, P{});  // flat before bar t0
  const std::int64_t split = std::clamp<std::int64_t>(ready, t0 + 1, n);
  std::int64_t t = t0 + 1;
  for (; t < split; ++t) {
    if (record(t, p, held)) held = p;
    p = warm(t, p);
  }
  for (; t < n; ++t) {
    if (record(t, p, held)) held = p;
    p = decide(t, p);  // the last one, pos[T-1], is never held: one wasted bar
  }
  group_metrics(series.run_tables(), series.returns(), {1, n}, VecD{}, changes, n_valid, cost, metrics);
}

//! drive() for one lane group whose positions are a VecD of -1, 0 and 1.
template <class Warm, class Decide>
void fused_group_split(const PreparedSeries& series, LaneChanges& changes, double cost, int n_valid, double* metrics,
                       std::int64_t quiet, std::int64_t ready, Warm&& warm, Decide&& decide) {
  drive<VecD>(series, changes, cost, n_valid, metrics, quiet, ready, warm, decide,
              [&](std::int64_t t, VecD p, VecD held) {
                const unsigned moved = simd::lane_bits(p != held);
                if (moved != 0) changes.record(t, moved, p);
                return moved != 0;
              });
}

//! Two lane groups' positions, decided together.
struct LanePair {
  VecD a, b;
};

//! drive() for two lane groups in one time loop (lanes 0..kWidth-1 and kWidth..2*kWidth-1 of
//! `changes`; n_valid counts both): `warm(t)` and `decide(t)` return a LanePair. Each lane's
//! arithmetic is its own, so a set's metrics do not depend on which group it rides with.
template <class Warm, class Decide>
void fused_pair_split(const PreparedSeries& series, LaneChanges& changes, double cost, int n_valid, double* metrics,
                      std::int64_t quiet, std::int64_t ready, Warm&& warm, Decide&& decide) {
  drive<LanePair>(
      series, changes, cost, n_valid, metrics, quiet, ready, [&](std::int64_t t, const LanePair&) { return warm(t); },
      [&](std::int64_t t, const LanePair&) { return decide(t); },
      [&](std::int64_t t, const LanePair& p, const LanePair& held) {
        const unsigned moved = simd::lane_bits(p.a != held.a) | simd::lane_bits(p.b != held.b) << simd::kWidth;
        if (moved != 0) changes.record(t, moved, p.a, p.b);
        return moved != 0;
      });
}

//! Records the lanes whose long bit changed at bar t (long_flat positions kept as bits).
inline bool record_bits(LaneChanges& changes, std::int64_t t, unsigned p, unsigned held) {
  const unsigned moved = p ^ held;
  if (moved != 0) changes.record_bits(t, moved, p);
  return moved != 0;
}

//! G lane groups' long conditions: lane held 1 where set, 0 elsewhere (a long_flat rule).
template <int G>
using LongMasks = std::array<simd::Mask, G>;

//! drive() for G lane groups (lanes g * kWidth + l of `changes`) of a long_flat rule given by its
//! long condition (`warm(t)` and `decide(t)` return LongMasks<G>): the held positions are the
//! condition's lane bits, so a bar costs a movemask per group and an xor.
template <int G, class Warm, class Decide>
void fused_flat_split(const PreparedSeries& series, LaneChanges& changes, double cost, int n_valid, double* metrics,
                      std::int64_t quiet, std::int64_t ready, Warm&& warm, Decide&& decide) {
  static_assert(G * simd::kWidth <= LaneChanges::kLanes);
  auto bits = [](const LongMasks<G>& m) {
    unsigned b = 0;
    for (int g = 0; g < G; ++g) b |= simd::lane_bits(m[static_cast<std::size_t>(g)]) << (g * simd::kWidth);
    return b;
  };
  drive<unsigned>(
      series, changes, cost, n_valid, metrics, quiet, ready, [&](std::int64_t t, unsigned) { return bits(warm(t)); },
      [&](std::int64_t t, unsigned) { return bits(decide(t)); },
      [&](std::int64_t t, unsigned p, unsigned held) { return record_bits(changes, t, p, held); });
}

//! fused_flat_split for a long_flat rule with state: `warm(t, prev)` and `decide(t, prev)` take
//! and return the G * kWidth lanes' long bits directly (bit l: lane l long).
template <int G, class Warm, class Decide>
void fused_bits_split(const PreparedSeries& series, LaneChanges& changes, double cost, int n_valid, double* metrics,
                      std::int64_t quiet, std::int64_t ready, Warm&& warm, Decide&& decide) {
  static_assert(G * simd::kWidth <= LaneChanges::kLanes);
  drive<unsigned>(series, changes, cost, n_valid, metrics, quiet, ready, warm, decide,
                  [&](std::int64_t t, unsigned p, unsigned held) { return record_bits(changes, t, p, held); });
}

//! fused_group_split with one rule for every bar.
template <class Decide>
void fused_group(const PreparedSeries& series, LaneChanges& changes, double cost, int n_valid, double* metrics,
                 Decide&& decide) {
  fused_group_split(series, changes, cost, n_valid, metrics, 0, 0, decide, decide);
}

}  // namespace runs
}  // namespace QG_KERNEL_TARGET_NS
}  // namespace qg::kernels
