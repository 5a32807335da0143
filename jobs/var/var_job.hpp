#pragma once
// The var job (Monte Carlo VaR and ES): one simulation pass, then only what exactness needs.
//   stage 0, task b: simulate batch b; return its size, loss sum and sum of squares, its
//     batch-level VaR and ES per level (batch-means standard errors), its k_b-th largest loss
//     (k_b = floor(n_b (1 - a_min)) + 1), its P&L histogram counts, and its m_b largest losses
//     with their scenario ids, m_b = k_b plus a margin of several binomial standard deviations;
//   reduce 0: merge the (loss, id) pairs into a bounded top-K set, K = floor(S (1 - a_min)) + 1,
//     ordered by loss descending then id; a batch whose last kept pair is inside that top K may
//     hold more of the run's K largest losses than it kept: it is rerun (rare);
//   stage 1, task i: simulate rerun batch i again and return its pairs after its last kept one
//     with a loss at or above the merged K-th loss;
//   reduce 1: merge them: the set now holds exactly the K largest losses of all S scenarios;
//   stage 2, task b: regenerate batch b's scenarios among those K by id (Philox jumps to each)
//     and return their per-position P&L;
//   reduce 2: place the rows in loss order: VaR, ES and their Euler allocations at every level
//     follow exactly. Then historical, parametric, stress and backtest figures, the /var tables.
// Messages and the merge scale with the tail K, never with S; the per-position rows of the tail
// reach the coordinator only for incremental VaR (VarSpec::incremental_var).
#include <array>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "qg/jobs/job.hpp"
#include "var/pnl_histogram.hpp"

namespace qg::kernels::var {
class Simulator;
}

namespace qg::jobs {

struct VarSetup;

//! Top-level keys a var spec has beyond the common header keys.
inline constexpr std::array<std::string_view, 10> kVarJobKeys = {
    "portfolio", "model",  "horizon_days", "confidence", "scenarios",
    "batch",     "stress", "backtest",     "rate",       "incremental_var"};

class VarJob final : public Job {
 public:
  static constexpr std::uint32_t kStatsStage = 0;
  static constexpr std::uint32_t kRerunStage = 1;
  static constexpr std::uint32_t kTailStage = 2;
  //! Doubles of a stage-0 record before the per-level (VaR, ES) pairs.
  static constexpr std::size_t kStatsHead = 4;

  explicit VarJob(std::shared_ptr<const VarSetup> setup);
  ~VarJob() override;

  const SpecHeader& header() const override;
  const JobKind& kind() const override;
  std::uint32_t num_stages() const override { return 3; }
  //! Stage 1: one task per rerun batch; stage 2: one per batch, none when stage 0 failed.
  std::uint64_t num_tasks(std::uint32_t stage, StageInput input) const override;
  //! Stages 1 and 2 return about n_b (1 - a_min) rows, more when batches differ: that
  //! estimate with 25% headroom (it only sizes the coordinator's buffers).
  std::size_t max_task_values(std::uint32_t stage, StageInput input) const override;
  //! Stage 1's input is {cut-off loss, then (batch, last kept loss, last kept id) per rerun
  //! batch}; stage 2's is the K tail scenario ids, ascending, then their 0-based loss ranks.
  void run_task(std::uint32_t stage, StageInput input, std::uint64_t task, std::vector<double>& out) const override;
  std::unique_ptr<Reducer> make_reducer(results::RunFile& out) const override;
  //! Stage 2 regenerates the tail scenarios by id (Philox jumps to any scenario): a resumed run
  //! recomputes it in less time than rank 0 takes to journal its per-position rows (221 MB at
  //! 10^6 scenarios and 550 positions) and sync them before the commit.
  bool journals_stage(std::uint32_t stage) const override { return stage != kTailStage; }

  const VarSetup& setup() const { return *setup_; }
  //! Scenarios of batch `task` (the last batch may be shorter).
  std::uint64_t batch_rows(std::uint64_t task) const;
  //! K: the largest losses kept for exact VaR / ES at every level.
  std::uint64_t tail_capacity() const;
  //! Doubles of a stage-0 record: the head, a (VaR, ES) pair per level, the histogram counts.
  std::size_t stats_width() const;
  //! The bins every batch counts its scenario P&L into (fixed before any simulation).
  const PnlHistogram& histogram() const { return *histogram_; }
  //! Doubles per row of the final tail: loss, scenario id, one P&L per position.
  std::size_t tail_width() const;
  //! Doubles of a stage-2 row: scenario id, one P&L per position.
  std::size_t position_row_width() const { return tail_width() - 1; }
  //! Doubles of the component sums at the head of a stage-2 record (TailComponents::width).
  std::size_t component_width() const;
  //! Whether stage 2 returns the tail's per-position rows too (for incremental VaR): as the
  //! spec says, or under `auto` when K rows take at most kTailRowsBudget bytes.
  bool keeps_tail_rows() const;

 private:
  void batch_losses(std::uint64_t task, std::vector<double>& losses) const;
  void run_stats(std::uint64_t task, std::vector<double>& out) const;
  void run_rerun(StageInput input, std::uint64_t task, std::vector<double>& out) const;
  void run_tail(StageInput ids, std::uint64_t task, std::vector<double>& out) const;

  std::shared_ptr<const VarSetup> setup_;
  std::shared_ptr<const kernels::var::Simulator> sim_;
  std::optional<PnlHistogram> histogram_;
  std::uint64_t n_batches_ = 0;
};

//! Builds a var job (the kind's factory): parses, validates against the data, estimates.
std::unique_ptr<Job> make_var_job(const std::string& spec_text, const std::string& origin,
                                  const std::shared_ptr<const MarketData>& data);

}  // namespace qg::jobs
