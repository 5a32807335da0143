#pragma once
// Pieces shared by the strategy files: the tolerant comparisons (scalar for the references,
// lane-wise for the fast paths), parameter access, per-block tables of distinct indicator
// windows, and the loop over groups of 8 parameter sets.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "../simd.hpp"
#include "qg/kernels/strategy.hpp"

namespace qg::kernels::detail {

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
  std::vector<int> windows_;                         // sorted, distinct
  std::vector<std::vector<std::int32_t>> columns_;  // [slot][set]
};

//! Fills pos (time-major) with p = group(t, j0, state) for every bar t and every group of 8 sets
//! starting at set j0. Time is the outer loop so each bar's row is written contiguously; `state`
//! is the group's previous positions (flat before bar 0) for rules that carry state. The group
//! is responsible for returning 0 in warm-up lanes.
template <class Group>
void sweep_groups(int n_sets, std::int64_t n_bars, std::int8_t* pos, Group&& group) {
  const int n_groups = padded_size(n_sets) / kWidth;
  std::vector<VecD> state(static_cast<std::size_t>(n_groups), VecD{});
  for (std::int64_t t = 0; t < n_bars; ++t) {
    std::int8_t* row = pos + t * n_sets;
    for (int g = 0; g < n_groups; ++g) {
      const int j0 = g * kWidth;
      state[g] = group(t, j0, state[g]);
      simd::store_i8_n(row + j0, state[g], std::min(kWidth, n_sets - j0));
    }
  }
}

//! Stateless crossover rule on a time-major table: +1 when table[t][a[j]] > table[t][b[j]],
//! -1 when below (long_short only), 0 otherwise or before start[j].
void crossover_positions(const double* table, int n_cols, const WindowColumns& cols, int n_sets,
                         std::int64_t n_bars, PositionMode mode, std::int8_t* pos);

}  // namespace qg::kernels::detail
