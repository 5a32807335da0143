#pragma once
// The walk-forward job: two stages over one series (docs/walkforward.md).
//   stage 0, tasks i < set_tasks(): parameter sets [128 i, 128 (i+1)): positions over the full
//     history, net returns over the live period, and per set the sums and sums of squares of its
//     net returns over the selection blocks (gcd of the window lengths) and the S CSCV blocks,
//     plus, for an objective that is not the Sharpe ratio, its value on every in-sample window.
//     Memory is O(blocks x sets), never O(bars x sets). Tasks set_tasks() + p: sums of squared
//     correlations between block pair p of every 10th set (each block's standardised returns
//     computed once per worker, LiveTrials); they need nothing of the sets' tasks, so they share
//     the stage (the sets' records reach the coordinator while the pairs compute).
//   reduce 0 (mostly while the stage runs, as the records arrive in task order): each window's
//     winner, every set's live Sharpe, the best set -> stage 1's input {winner of each window...,
//     best set, the CSCV block sums (block-major), their totals (kernels::pbo_totals)}.
//   stage 1: task 0: the best set's return moments; task 1 + k: the stitched out-of-sample
//     segment of window k; task 1 + K + i: the complementary CSCV split pairs p in [32 i, 32 (i+1)),
//     p < C / 2: splits p and C - 1 - p (one pass of block sums serves both).
//   reduce 1: the windows and out-of-sample tables, DSR and PSR as soon as the segments are in
//     (while the split tasks compute), then PBO and its companions.
#include <memory>
#include <vector>

#include "qg/jobs/job.hpp"
#include "overfitting/live_trials.hpp"
#include "walkforward/walkforward_plan.hpp"
#include "walkforward/walkforward_spec.hpp"

namespace qg::jobs {

class WalkforwardJob final : public Job {
 public:
  static constexpr std::size_t kSetsPerTask = 128;

  //! DataError unless the data holds exactly one symbol that fits the windows.
  WalkforwardJob(WalkforwardSpec spec, std::shared_ptr<const MarketData> data);

  const SpecHeader& header() const override { return spec_->header; }
  const JobKind& kind() const override;
  std::uint32_t num_stages() const override { return 2; }
  std::uint64_t num_tasks(std::uint32_t stage, StageInput input) const override;
  std::size_t max_task_values(std::uint32_t stage, StageInput input) const override;
  void run_task(std::uint32_t stage, StageInput input, std::uint64_t task, std::vector<double>& out) const override;
  std::unique_ptr<Reducer> make_reducer(results::RunFile& out) const override;

  const WalkforwardSpec& spec() const { return *spec_; }
  const WalkforwardPlan& plan() const { return plan_; }
  const SymbolBars& bars() const { return data_->symbols.front(); }
  //! The parameter sets on the one series, over the live period (shared with sweeps).
  const LiveTrials& trials() const { return *trials_; }
  std::size_t n_sets() const { return spec_->search.combos.size(); }
  //! Stage 0's tasks of parameter sets (the correlation pairs follow them).
  std::uint64_t set_tasks() const { return (n_sets() + kSetsPerTask - 1) / kSetsPerTask; }
  //! Stage 1's tasks before the split tasks: the moments, then one segment per window.
  std::uint64_t segment_tasks() const { return 1 + plan_.windows.size(); }
  //! Doubles per set in a stage-0 record.
  std::size_t stage0_width() const;

 private:
  void run_sets(std::uint64_t task, std::vector<double>& out) const;
  void run_segment(StageInput winners, std::uint64_t k, std::vector<double>& out) const;

  std::shared_ptr<const WalkforwardSpec> spec_;
  std::shared_ptr<const MarketData> data_;
  WalkforwardPlan plan_;
  std::unique_ptr<const LiveTrials> trials_;
};

}  // namespace qg::jobs
