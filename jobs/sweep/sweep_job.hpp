#pragma once
// The sweep job: one stage whose task t evaluates block b of consecutive parameter sets on
// symbol s, t = s * num_blocks() + b (symbol-major).
#include <memory>
#include <vector>

#include "qg/jobs/job.hpp"
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

  const SpecHeader& header() const override { return spec_->header; }
  const JobKind& kind() const override;
  std::uint32_t num_stages() const override { return 1; }
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

 private:
  void check_bars() const;

  std::shared_ptr<const SweepSpec> spec_;
  std::shared_ptr<const MarketData> data_;
  std::vector<kernels::PreparedSeries> series_;
  std::uint64_t num_blocks_ = 0;
  std::int64_t min_bars_ = 2;
};

}  // namespace qg::jobs
