#pragma once
// The trials (parameter sets) of one strategy search on one series, over the live period: the
// return columns j >= j0 (column j is return bar t = j + 1) in which every set holds a defined
// position (docs/walkforward.md). The pieces of the overfitting stages that the walk-forward and
// sweep jobs share: per-set block sums of the live net returns, the N_eff correlation block
// pairs of every 10th set, the best set's return moments and the CSCV split pairs.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "overfitting/correlation_cache.hpp"
#include "qg/kernels/position_rows.hpp"
#include "qg/kernels/series.hpp"
#include "search/strategy_search.hpp"

namespace qg::jobs {

class LiveTrials {
 public:
  static constexpr std::int64_t kRowsPerPass = 64;       // net-return rows a pass of live_block_sums
  static constexpr std::size_t kCorrelationStride = 10;  // every 10th set enters N_eff
  static constexpr std::size_t kCorrelationBlock = 256;  // sets per correlation block
  //! A worker keeps the standardised correlation blocks while they fit this (CorrelationCache).
  static constexpr std::size_t kCorrelationCacheBytes = std::size_t{256} << 20;
  //! Split pairs a task: a task reads every trial's block sums once for its totals (PBO stage),
  //! so more pairs a task amortise that read; 32 keeps 200 tasks for S = 16.
  static constexpr std::size_t kSplitPairsPerTask = 32;

  //! The sets of `search` (which must outlive this) on `series` of `n_bars` bars, with S =
  //! `pbo_blocks` CSCV blocks of floor(live / S) bars.
  LiveTrials(const StrategySearch& search, std::shared_ptr<const kernels::PreparedSeries> series, std::int64_t n_bars,
             int pbo_blocks);
  //! Gets the series from `load` whenever a task needs it (a cache of series read from the
  //! store): nothing is loaded to plan the stages. series() is not available then.
  using SeriesLoader = std::function<std::shared_ptr<const kernels::PreparedSeries>()>;
  LiveTrials(const StrategySearch& search, SeriesLoader load, std::int64_t n_bars, int pbo_blocks);

  //! The first live column: the largest first_signal_bar of the search's sets.
  static std::int64_t live_start(const StrategySearch& search);

  std::size_t n_sets() const { return search_->combos.size(); }
  std::int64_t n() const { return n_; }           // return columns
  std::int64_t j0() const { return j0_; }         // first live column
  std::int64_t live() const { return n_ - j0_; }  // live columns
  int pbo_blocks() const { return pbo_blocks_; }  // S
  std::int64_t pbo_block() const { return live() / pbo_blocks_; }
  //! The series given to the constructor (not with a SeriesLoader).
  const kernels::PreparedSeries& series() const;

  //! Positions of sets `ids` over the decided bars `decided`, in a buffer of the calling thread
  //! (valid until its next call on this thread).
  kernels::PositionRows positions_into(const std::vector<std::size_t>& ids, kernels::BarRange decided) const;
  //! Full-history positions of one set (bars 0..T-1).
  std::vector<std::int8_t> positions_of(std::size_t id) const;
  //! Net returns of sets `ids` over the live columns, time-major (live x ids.size()), into `net`.
  void live_net_returns_into(const std::vector<std::size_t>& ids, std::vector<double>& net) const;
  //! One table of per-set sums and sums of squares of the net returns: blocks of `block` live
  //! columns covering the first `columns` live columns (set-major, as kernels::block_sums).
  struct BlockTable {
    std::int64_t block = 1, columns = 0;
    double* sum = nullptr;
    double* sumsq = nullptr;
  };
  //! Fills every table from one pass of net returns (each block's values added in column order
  //! from 0, as kernels::block_sums adds them, so each table is the one-table call's).
  void live_block_sums(kernels::PositionRows pos, std::span<const BlockTable> tables) const;
  //! One table: live_block_sums(pos, {{block, columns, sum, sumsq}}).
  void live_block_sums(kernels::PositionRows pos, std::int64_t block, std::int64_t columns, double* sum,
                       double* sumsq) const;

  //! Sets entering the correlation (every 10th), their blocks and block pairs (I <= J).
  std::size_t correlation_sets() const { return (n_sets() + kCorrelationStride - 1) / kCorrelationStride; }
  std::size_t correlation_blocks() const { return (correlation_sets() + kCorrelationBlock - 1) / kCorrelationBlock; }
  std::uint64_t correlation_pairs() const { return correlation_blocks() * (correlation_blocks() + 1) / 2; }
  //! Correlation pair `pair`: {sum of squared correlations, varying columns (diagonal pairs) or 0}.
  void run_correlation(std::uint64_t pair, std::vector<double>& out) const;
  //! {sharpe, skewness, kurtosis} of set `best`'s live net returns.
  void run_moments(std::size_t best, std::vector<double>& out) const;

  //! C(S, S/2) splits; complementary pairs (p, C - 1 - p); tasks of kSplitPairsPerTask pairs.
  std::uint64_t n_splits() const;
  std::uint64_t n_split_pairs() const { return n_splits() / 2; }
  std::uint64_t split_tasks() const { return (n_split_pairs() + kSplitPairsPerTask - 1) / kSplitPairsPerTask; }
  //! Split task `task` over the CSCV block sums `sums` (block-major s1 then s2, 2 S N values):
  //! {lambda, is_sharpe, oos_sharpe} of split p then of split C - 1 - p, for each pair p.
  //! `totals`: kernels::pbo_totals of those sums when the stage input carries them (2 N values),
  //! else empty (the task adds them itself); the results are the same.
  void run_splits(std::span<const double> sums, std::uint64_t task, std::vector<double>& out,
                  std::span<const double> totals = {}) const;

 private:
  CorrelationCache::Block correlation_block(std::size_t b) const;

  const StrategySearch* search_;
  std::shared_ptr<const kernels::PreparedSeries> series_;  // null with a SeriesLoader
  SeriesLoader load_;
  std::int64_t n_ = 0, j0_ = 0;
  int pbo_blocks_ = 16;
  std::shared_ptr<CorrelationCache> correlation_cache_;
};

//! The stage input of the split tasks: the S CSCV block sums and sums of squares of every set,
//! block-major (s1[b * n + i], then s2), from set-major records of `width` doubles holding the
//! S sums at `offset` followed by the S sums of squares.
std::vector<double> cscv_block_major(std::span<const double> records, std::size_t width, std::size_t offset,
                                     std::size_t n_sets, std::size_t pbo_blocks);

}  // namespace qg::jobs
