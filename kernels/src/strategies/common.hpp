#pragma once
// Pieces shared by the strategy files: the tolerant comparisons (scalar for the references,
// lane-wise for the fast paths), parameter access, per-block tables of distinct indicator
// windows, and the loop over groups of 8 parameter sets.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "../simd.hpp"
#include "qg/kernels/strategy.hpp"

namespace qg::kernels {
inline namespace QG_KERNEL_TARGET_NS {
namespace detail {

using simd::kWidth;
using simd::Mask;
using simd::VecD;

//! Relative tolerance of every price comparison: cent prices make equal averages common, and
//! their floating-point rounding must not turn a tie into a signal.
inline constexpr double kRelTol = 1e-10;

//! a > b by more than kRelTol*|b|.
inline bool greater(double a, double b) { return a - b > kRelTol * std::abs(b); }
//! a < b by more than kRelTol*|b|.
inline bool less(double a, double b) { return b - a > kRelTol * std::abs(b); }
//! Lane-wise greater().
inline Mask greater(VecD a, VecD b) { return a - b > kRelTol * simd::vabs(b); }
//! Lane-wise less().
inline Mask less(VecD a, VecD b) { return b - a > kRelTol * simd::vabs(b); }

//! Parameter p of a set as an integer window (parameters travel as doubles).
inline int window_param(std::span<const double> set, int p) {
  return static_cast<int>(std::lround(set[static_cast<std::size_t>(p)]));
}

//! Rounds n up to a whole number of lane groups.
inline int padded_size(int n) { return (n + kWidth - 1) / kWidth * kWidth; }

//! Integer parameter p of every set, padded to whole lane groups by repeating the last set.
std::vector<std::int32_t> int_params(const double* sets, int n_sets, int n_params, int p);
//! Real parameter p of every set, padded likewise.
std::vector<double> real_params(const double* sets, int n_sets, int n_params, int p);

//! The distinct integer windows that some parameters take across a block, and for each set
//! the column of its window in a time-major table (table[t * count() + column]).
class WindowColumns {
 public:
  //! Collects parameters `params` of the `n_sets` sets (set-major, `n_params` values each).
  //! Throws KernelError on a window below 1.
  WindowColumns(const double* sets, int n_sets, int n_params, std::span<const int> params);

  int count() const { return static_cast<int>(windows_.size()); }
  int window(int column) const { return windows_[static_cast<std::size_t>(column)]; }
  //! Column of parameter slot `slot` (index into `params`) for every set, padded like int_params.
  const std::vector<std::int32_t>& columns(int slot) const { return columns_[static_cast<std::size_t>(slot)]; }
  //! Per set, the largest window among the parameter slots, minus `offset`, as doubles
  //! (padded): the first bar where that set's signal is defined.
  std::vector<double> start_bars(int offset) const;

 private:
  std::vector<int> windows_;                        // sorted, distinct
  std::vector<std::vector<std::int32_t>> columns_;  // [slot][set]
};

//! Where a table of indicator windows keeps bar t of column i: (t - first) * row + i * col.
//! The tables are time-major (row = number of columns, col = 1): a row of all windows per bar,
//! which the time-outer sweep_rows reads in order.
struct TableLayout {
  std::int64_t first, row, col;

  std::int64_t at(std::int64_t t, int i) const { return (t - first) * row + i * col; }
  static TableLayout time_major(BarRange rows, int n_cols) { return {rows.begin, n_cols, 1}; }
};

//! The gather offsets of parameter slot `slot` of every set (padded): its column times layout.col.
std::vector<std::int32_t> column_offsets(const WindowColumns& cols, int slot, const TableLayout& layout);

//! Throws KernelError unless n_sets >= 0 and `bars` lies inside the series.
void check_block(const PreparedSeries& series, int n_sets, BarRange bars, std::string_view who);

//! Number of lane groups of a block of n_sets sets.
inline int group_count(int n_sets) { return padded_size(n_sets) / kWidth; }

//! Fills the rows of `bars` (row t - bars.begin of pos, time-major) with p = group(t, j0, state)
//! for every group of 8 sets starting at set j0, where state[g] is the group's previous
//! positions, updated in place. Time is the outer loop so each row is written contiguously.
template <class Group>
void sweep_rows(int n_sets, BarRange bars, std::int8_t* pos, std::vector<VecD>& state, Group&& group) {
  for (std::int64_t t = bars.begin; t < bars.end; ++t) {
    std::int8_t* row = pos + (t - bars.begin) * n_sets;
    for (int g = 0; g < group_count(n_sets); ++g) {
      const int j0 = g * kWidth;
      state[g] = group(t, j0, state[g]);
      simd::store_i8_n(row + j0, state[g], std::min(kWidth, n_sets - j0));
    }
  }
}

//! sweep_rows from a flat state: exact for rules without state (the previous position is
//! ignored), and for any rule when bars.begin = 0 (the book is flat before bar 0). The group is
//! responsible for returning 0 in warm-up lanes.
template <class Group>
void sweep_groups(int n_sets, BarRange bars, std::int8_t* pos, Group&& group) {
  std::vector<VecD> state(static_cast<std::size_t>(group_count(n_sets)), VecD{});
  sweep_rows(n_sets, bars, pos, state, group);
}

//! The position of the 8 lanes of group j0 after bar begin-1 for a rule with state. A bar
//! where a lane's rule gives the same position from every reachable previous position (0, 1,
//! and -1 when `short_states`) forces that lane: warm-up bars do, and so does any bar whose
//! signal decides the position outright. Searching back from begin-1 to the latest bar s at or
//! after `first` from which every lane has met a forcing bar, the replay from s with any state
//! is exact after those bars. From bar 0 the replay starts flat, which is exact too. Returns
//! false when first > 0 and no such s was found (the caller then looks further back).
template <class Group>
bool replay_group(int j0, std::int64_t first, std::int64_t begin, bool short_states, Group& group, VecD& state) {
  Mask forced{};
  std::int64_t s = begin;
  while (s > first && !simd::all_set(forced)) {
    --s;
    const VecD flat = group(s, j0, VecD{});
    Mask same = flat == group(s, j0, simd::splat(1.0));
    if (short_states) same &= flat == group(s, j0, simd::splat(-1.0));
    forced |= same;
  }
  if (!simd::all_set(forced) && s > 0) return false;
  state = VecD{};
  for (std::int64_t t = s; t < begin; ++t) state = group(t, j0, state);
  return true;
}

//! Positions of a rule with state (the position persists between signals) over `bars`.
//! make_group(rows) builds the rule's tables for the bars rows = [first, bars.end) and returns its
//! group function (as for sweep_rows). The look-back starts at `lookback` bars and doubles until
//! every group's state at bars.begin is known (replay_group), so the work is the range plus the
//! few bars back to a forcing bar in the usual case, and never more than the whole history.
template <class MakeGroup>
void sweep_with_state(int n_sets, BarRange bars, PositionMode mode, std::int8_t* pos, std::int64_t lookback,
                      MakeGroup&& make_group) {
  std::vector<VecD> state(static_cast<std::size_t>(group_count(n_sets)), VecD{});
  for (std::int64_t back = std::max<std::int64_t>(lookback, 1);; back *= 2) {
    const std::int64_t first = std::max<std::int64_t>(0, bars.begin - back);
    auto group = make_group(BarRange{first, bars.end});
    bool known = true;
    for (int g = 0; g < group_count(n_sets) && known; ++g)
      known = replay_group(g * kWidth, first, bars.begin, mode == PositionMode::kLongShort, group, state[g]);
    if (known) {
      sweep_rows(n_sets, bars, pos, state, group);
      return;
    }
  }
}

//! The group function (as sweep_rows takes it) of the stateless crossover rule on a table in
//! `layout`: +1 when column a[j] > column b[j] at bar t, -1 when below in long_short, 0
//! otherwise or before start[j]. `fast`/`slow` are the column_offsets of the two slots; they and
//! `start` outlive the function.
inline auto crossover_rule(const double* table, TableLayout layout, const std::vector<std::int32_t>& fast,
                           const std::vector<std::int32_t>& slow, const std::vector<double>& start, PositionMode mode) {
  const VecD below = simd::splat(mode == PositionMode::kLongShort ? -1.0 : 0.0);
  return [=, &fast, &slow, &start](std::int64_t t, int j0, VecD) {
    const double* row = table + layout.at(t, 0);
    const VecD x = simd::gather(row, simd::load_i32(fast.data() + j0));
    const VecD y = simd::gather(row, simd::load_i32(slow.data() + j0));
    VecD p = simd::select(less(x, y), below, VecD{});
    p = simd::select(greater(x, y), simd::splat(1.0), p);
    return simd::select(simd::splat(static_cast<double>(t)) >= simd::load(start.data() + j0), p, VecD{});
  };
}

//! Stateless crossover rule on a time-major table whose row t - bars.begin holds bar t:
//! +1 when table[t][a[j]] > table[t][b[j]], -1 when below (long_short only), 0 otherwise or
//! before start[j]. Writes the rows of `bars`.
void crossover_positions(const double* table, int n_cols, const WindowColumns& cols, int n_sets, BarRange bars,
                         PositionMode mode, std::int8_t* pos);

}  // namespace detail
}  // namespace QG_KERNEL_TARGET_NS
}  // namespace qg::kernels
