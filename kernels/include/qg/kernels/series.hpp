#pragma once
// One symbol's bars and the per-symbol arrays every strategy shares (built once per symbol
// and read by every task on that symbol).
#include <algorithm>
#include <bit>
#include <cstdint>
#include <span>
#include <vector>

#include "qg/kernels/run_tables.hpp"

namespace qg::kernels {

//! A view of one symbol's aligned bars, oldest first. `high`/`low` may equal `close` for
//! close-only data. All spans have the same length.
struct BarsView {
  std::span<const double> high;
  std::span<const double> low;
  std::span<const double> close;
};

//! Read-only derived arrays of one symbol: simple returns, prefix sums and range-extreme
//! tables. Immutable after construction, so tasks on many threads share one instance.
class PreparedSeries {
 public:
  //! Copies the bars and builds the derived arrays; the high/low range tables (max_high,
  //! min_low: 2 log2(n) values a bar, as much as all the other arrays together) only with
  //! `range_tables`, which only rules that read highs and lows need (Strategy::reads_high_low).
  //! Throws KernelError on fewer than 2 bars.
  explicit PreparedSeries(BarsView bars, bool range_tables = true);

  std::int64_t size() const { return static_cast<std::int64_t>(close_.size()); }
  const double* close() const { return close_.data(); }
  const double* high() const { return high_.data(); }
  const double* low() const { return low_.data(); }
  //! r[t] = close[t]/close[t-1] - 1 for t >= 1; r[0] = 0.
  const double* returns() const { return returns_.data(); }
  //! max over t of |r[t]|: bounds what one bar can lose (ruin.hpp).
  double max_abs_return() const { return max_abs_return_; }
  //! prefix[t] = sum of close[0..t-1] (size()+1 entries, prefix[0] = 0), accumulated in order.
  const double* close_prefix() const { return close_prefix_.data(); }
  //! Same for close^2.
  const double* close_sq_prefix() const { return close_sq_prefix_.data(); }
  //! Whether max_high and min_low may be called (built with range_tables).
  bool has_range_tables() const { return !max_high_.empty(); }
  //! max of high[a..b] inclusive, O(1) through a sparse table. Requires has_range_tables() and
  //! 0 <= a <= b < size() (callers derive the range from a defined window). Inline: the sweep
  //! kernels call it per bar.
  double max_high(std::int64_t a, std::int64_t b) const {
    const int level = level_of(a, b);
    const std::vector<double>& row = max_high_[static_cast<std::size_t>(level)];
    return std::max(row[static_cast<std::size_t>(a)],
                    row[static_cast<std::size_t>(b + 1 - (std::int64_t{1} << level))]);
  }
  //! min of low[a..b] inclusive, O(1).
  double min_low(std::int64_t a, std::int64_t b) const {
    const int level = level_of(a, b);
    const std::vector<double>& row = min_low_[static_cast<std::size_t>(level)];
    return std::min(row[static_cast<std::size_t>(a)],
                    row[static_cast<std::size_t>(b + 1 - (std::int64_t{1} << level))]);
  }
  //! Prefix tables of the returns of bars [1, size()) for the run backtest.
  const RunTables& run_tables() const { return run_tables_; }

 private:
  //! The sparse-table level whose two overlapping blocks cover [a, b].
  static int level_of(std::int64_t a, std::int64_t b) {
    return std::bit_width(static_cast<std::uint64_t>(b - a + 1)) - 1;
  }

  std::vector<double> high_, low_, close_, returns_, close_prefix_, close_sq_prefix_;
  std::vector<std::vector<double>> max_high_, min_low_;  // sparse tables, level k covers 2^k bars (or none)
  double max_abs_return_ = 0.0;
  RunTables run_tables_;
};

}  // namespace qg::kernels
