#pragma once
// The walk-forward job: three stages over one series (docs/walkforward.md).
//   stage 0, task i: parameter sets [128 i, 128 (i+1)): positions over the full history, net
//     returns over the live period, and per set the sums and sums of squares of its net returns
//     over the selection blocks (gcd of the window lengths) and the S CSCV blocks, plus, for an
//     objective that is not the Sharpe ratio, its value on every in-sample window. Memory is
//     O(blocks x sets), never O(bars x sets).
//   reduce 0: each window's winner, every set's live Sharpe, the best set -> stage 1's input
//     {winner of each window..., best set}.
//   stage 1: tasks p < P: sums of squared correlations between block pair p of every 10th set
//     (each block's standardised returns computed once per worker, CorrelationCache); task P:
//     the best set's return moments; task P + 1 + k: the stitched out-of-sample segment of
//     window k. The heavy pairs come first so that the cheap segments fill the stage's tail.
//   reduce 1: the windows and out-of-sample tables, DSR and PSR -> stage 2's input: the CSCV
//     block sums (block-major).
//   stage 2, task i: the complementary CSCV split pairs p in [16 i, 16 (i+1)), p < C / 2: splits p
//     and C - 1 - p (one pass of block sums serves both).  reduce 2: PBO and its companions.
#include <memory>
#include <vector>

#include "qg/jobs/job.hpp"
#include "qg/kernels/position_rows.hpp"
#include "qg/kernels/series.hpp"
#include "walkforward/correlation_cache.hpp"
#include "walkforward/walkforward_plan.hpp"
#include "walkforward/walkforward_spec.hpp"

namespace qg::jobs {

class WalkforwardJob final : public Job {
 public:
  static constexpr std::size_t kSetsPerTask = 128;
  static constexpr std::size_t kSplitPairsPerTask = 16;
  static constexpr std::size_t kCorrelationStride = 10;  // every 10th set enters N_eff
  static constexpr std::size_t kCorrelationBlock = 256;  // sets per correlation block
  //! A worker keeps the standardised correlation blocks while they fit this (CorrelationCache).
  static constexpr std::size_t kCorrelationCacheBytes = std::size_t{256} << 20;

  //! DataError unless the data holds exactly one symbol that fits the windows.
  WalkforwardJob(WalkforwardSpec spec, std::shared_ptr<const MarketData> data);

  const SpecHeader& header() const override { return spec_->header; }
  const JobKind& kind() const override;
  std::uint32_t num_stages() const override { return 3; }
  std::uint64_t num_tasks(std::uint32_t stage, StageInput input) const override;
  std::size_t max_task_values(std::uint32_t stage, StageInput input) const override;
  void run_task(std::uint32_t stage, StageInput input, std::uint64_t task, std::vector<double>& out) const override;
  std::unique_ptr<Reducer> make_reducer(results::RunFile& out) const override;

  const WalkforwardSpec& spec() const { return *spec_; }
  const WalkforwardPlan& plan() const { return plan_; }
  const SymbolBars& bars() const { return data_->symbols.front(); }
  std::size_t n_sets() const { return spec_->search.combos.size(); }
  //! Doubles per set in a stage-0 record.
  std::size_t stage0_width() const;
  //! Sets entering the correlation (every 10th) and their blocks.
  std::size_t correlation_sets() const { return (n_sets() + kCorrelationStride - 1) / kCorrelationStride; }
  std::size_t correlation_blocks() const { return (correlation_sets() + kCorrelationBlock - 1) / kCorrelationBlock; }
  //! Correlation block pairs (I <= J): the first tasks of stage 1.
  std::uint64_t correlation_pairs() const { return correlation_blocks() * (correlation_blocks() + 1) / 2; }
  std::uint64_t n_splits() const;
  //! Complementary split pairs (p, C - 1 - p): C / 2.
  std::uint64_t n_split_pairs() const { return n_splits() / 2; }
  //! Net returns of parameter sets `ids` over the live columns, time-major (live x ids.size()).
  std::vector<double> live_net_returns(const std::vector<std::size_t>& ids) const;
  //! The same into `net` (resized; its capacity is reused).
  void live_net_returns_into(const std::vector<std::size_t>& ids, std::vector<double>& net) const;
  //! Full-history positions of one parameter set (bars 0..T-1).
  std::vector<std::int8_t> positions_of(std::size_t id) const;

 private:
  //! Positions of sets `ids` over the decided bars `decided`, in a buffer of the calling thread
  //! (valid until its next call on this thread).
  kernels::PositionRows positions_into(const std::vector<std::size_t>& ids, kernels::BarRange decided) const;
  //! Per-set sums and sums of squares of the net returns over blocks of `block` live columns
  //! covering the first `columns` live columns (set-major, as kernels::block_sums).
  void live_block_sums(kernels::PositionRows pos, std::int64_t block, std::int64_t columns, double* sum,
                       double* sumsq) const;
  void run_sets(std::uint64_t task, std::vector<double>& out) const;
  void run_segment(StageInput winners, std::uint64_t k, std::vector<double>& out) const;
  void run_moments(StageInput input, std::vector<double>& out) const;
  void run_correlation(std::uint64_t pair, std::vector<double>& out) const;
  CorrelationCache::Block correlation_block(std::size_t b) const;
  void run_splits(StageInput sums, std::uint64_t task, std::vector<double>& out) const;

  std::shared_ptr<const WalkforwardSpec> spec_;
  std::shared_ptr<const MarketData> data_;
  std::shared_ptr<const kernels::PreparedSeries> series_;
  WalkforwardPlan plan_;
  std::shared_ptr<CorrelationCache> correlation_cache_;
};

}  // namespace qg::jobs
