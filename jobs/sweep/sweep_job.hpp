#pragma once
// The sweep job. Stage 0: task t evaluates block b of consecutive parameter sets on symbol s,
// t = s * num_blocks() + b (symbol-major); its records are the /sweep rows. With overfitting on
// (the default) three more stages compute the overfitting statistics of each symbol's sets over
// that symbol's live period (docs/walkforward.md), e = the index among the symbols that have them:
//   stage 1, t = e * num_blocks() + b: per set of block b the sum and sum of squares of its live
//     net returns, then its S CSCV block sums and sums of squares (2 + 2 S doubles).
//     reduce 1: every set's live Sharpe, the best set of each symbol -> stage 2's input.
//   stage 2, t = e * (P + 1) + p: N_eff correlation block pair p < P, or (p = P) the best set's
//     moments.  reduce 2: DSR and PSR -> stage 3's input: the CSCV block sums of every symbol.
//   stage 3, t = e * splits + i: CSCV split task i.  reduce 3: PBO and its companions.
#include <memory>
#include <string>
#include <vector>

#include "overfitting/live_trials.hpp"
#include "qg/core/bar_source.hpp"
#include "qg/jobs/job.hpp"
#include "sweep/series_cache.hpp"
#include "sweep/sweep_spec.hpp"
#include "qg/kernels/backtest.hpp"
#include "qg/kernels/series.hpp"

namespace qg::jobs {

class SweepJob final : public Job {
 public:
  //! Parameter sets per task: about a millisecond of work on a few thousand daily bars. A
  //! constant, so the task list depends on the spec and data only, never on the ranks.
  static constexpr std::size_t kBlockSize = 128;
  //! Doubles per record: combo id, symbol index, then the kNumMetrics metrics.
  static constexpr std::size_t kRecordWidth = 2 + kernels::kNumMetrics;

  //! Prepares one series per symbol of `data`, in its order. Throws DataError when there are
  //! no symbols or a symbol has too few bars for the longest window of the sweep.
  SweepJob(SweepSpec spec, std::shared_ptr<const MarketData> data);
  //! The same job over bars read from `source` when a task first needs a symbol, kept in a
  //! SeriesCache of source->cache_bytes(): a worker holds only the symbols of its recent tasks.
  //! Same tasks and records as over the same bars in memory; a symbol whose bars break the
  //! store's invariants fails its tasks instead of the job.
  SweepJob(SweepSpec spec, std::shared_ptr<const BarSource> source);

  const SpecHeader& header() const override { return spec_->header; }
  const JobKind& kind() const override;
  //! 4 with overfitting statistics for at least one symbol, else 1.
  std::uint32_t num_stages() const override { return overfitting_symbols_.empty() ? 1 : 4; }
  std::uint64_t num_tasks(std::uint32_t stage, StageInput input) const override;
  std::size_t max_task_values(std::uint32_t stage, StageInput input) const override;
  void run_task(std::uint32_t stage, StageInput input, std::uint64_t task, std::vector<double>& out) const override;
  std::unique_ptr<Reducer> make_reducer(results::RunFile& out) const override;

  //! The parsed spec with its parameter sets.
  const SweepSpec& spec() const { return *spec_; }
  //! Blocks of kBlockSize parameter sets (the last one may be shorter).
  std::uint64_t num_blocks() const { return num_blocks_; }
  //! Bars a symbol needs: the longest window of any parameter set plus 2.
  std::int64_t min_bars() const { return min_bars_; }
  //! Doubles per set in a stage-1 record: live sum and sum of squares, S CSCV sums, S squares.
  std::size_t stage1_width() const { return 2 + 2 * static_cast<std::size_t>(spec_->overfitting.pbo_blocks); }
  //! The symbols (indices into the data) that get overfitting statistics, in data order.
  const std::vector<std::size_t>& overfitting_symbols() const { return overfitting_symbols_; }
  //! Why symbol `s` gets none: empty when it does, or when overfitting is off.
  const std::string& overfitting_skipped(std::size_t s) const { return skipped_[s]; }
  //! The sets of symbol `s` over its live period (null for a symbol without statistics).
  const LiveTrials* trials(std::size_t s) const { return trials_[s].get(); }
  const std::vector<std::string>& symbol_names() const { return symbols_; }

 private:
  //! Names, bar counts and fields of the symbols, in data order.
  void set_symbols(const std::vector<StoreSymbol>& symbols);
  void check_bars() const;
  void plan_overfitting();
  //! The prepared series of symbol `s` (in memory, or from the cache).
  SeriesCache::Series series_of(std::size_t s) const { return cache_ ? cache_->get(s) : series_[s]; }
  void run_live_sums(std::uint64_t task, std::vector<double>& out) const;
  void run_trial_task(std::uint32_t stage, StageInput input, std::uint64_t task, std::vector<double>& out) const;

  std::shared_ptr<const SweepSpec> spec_;
  std::shared_ptr<const MarketData> data_;                              // in memory: the bars
  std::vector<std::shared_ptr<const kernels::PreparedSeries>> series_;  // in memory: every series
  std::shared_ptr<const SeriesCache> cache_;                            // from a BarSource
  std::vector<std::string> symbols_;
  std::vector<std::int64_t> bars_;                         // per symbol
  std::vector<std::uint32_t> real_fields_;                 // per symbol
  std::vector<std::unique_ptr<const LiveTrials>> trials_;  // per symbol
  std::vector<std::string> skipped_;                       // per symbol
  std::vector<std::size_t> overfitting_symbols_;
  std::uint64_t num_blocks_ = 0;
  std::int64_t min_bars_ = 2;
};

}  // namespace qg::jobs
