#pragma once
// The var job (Monte Carlo VaR and ES). Two stages over the same batches of scenarios:
//   stage 0, task b: simulate batch b; return its size, loss sum and sum of squares, its
//     batch-level VaR and ES per confidence level (for batch-means standard errors), and its
//     k_b-th largest loss, k_b = floor(n_b (1 - a_min)) + 1;
//   reduce 0: the threshold L = min over batches of those k_b-th largest losses: at least
//     sum k_b >= floor(S (1 - a_min)) + 1 losses of the whole run are >= L;
//     and the counts of its scenario P&L in the run's fixed histogram bins (pnl_histogram.hpp);
//   stage 1, task b: simulate batch b again (same counters, same bits) and return only the
//     scenarios with loss >= L: (loss, scenario id, P&L of each position);
//   reduce 1: merge those rows in task-id order into a bounded top-K set, K = floor(S (1 -
//     a_min)) + 1, which holds exactly the K largest losses: VaR, ES and their Euler
//     allocations at every level follow exactly. Then historical, parametric, stress and
//     backtest figures, and the /var tables.
// Memory and messages scale with the tail K, never with S.
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
inline constexpr std::array<std::string_view, 9> kVarJobKeys = {
    "portfolio", "model", "horizon_days", "confidence", "scenarios", "batch", "stress", "backtest", "rate"};

class VarJob final : public Job {
 public:
  static constexpr std::uint32_t kStatsStage = 0;
  static constexpr std::uint32_t kTailStage = 1;
  //! Doubles of a stage-0 record before the per-level (VaR, ES) pairs.
  static constexpr std::size_t kStatsHead = 4;

  explicit VarJob(std::shared_ptr<const VarSetup> setup);
  ~VarJob() override;

  const SpecHeader& header() const override;
  const JobKind& kind() const override;
  std::uint32_t num_stages() const override { return 2; }
  std::uint64_t num_tasks(std::uint32_t stage, StageInput input) const override;
  //! Stage 1 returns about n_b (1 - a_min) rows, more when batches differ: this is that
  //! estimate with 25% headroom (it only sizes the coordinator's buffers).
  std::size_t max_task_values(std::uint32_t stage, StageInput input) const override;
  //! Stage 1's input is {threshold}.
  void run_task(std::uint32_t stage, StageInput input, std::uint64_t task, std::vector<double>& out) const override;
  std::unique_ptr<Reducer> make_reducer(results::RunFile& out) const override;

  const VarSetup& setup() const { return *setup_; }
  //! Scenarios of batch `task` (the last batch may be shorter).
  std::uint64_t batch_rows(std::uint64_t task) const;
  //! K: the largest losses kept for exact VaR / ES at every level.
  std::uint64_t tail_capacity() const;
  //! Doubles of a stage-0 record: the head, a (VaR, ES) pair per level, the histogram counts.
  std::size_t stats_width() const;
  //! The bins every batch counts its scenario P&L into (fixed before any simulation).
  const PnlHistogram& histogram() const { return *histogram_; }
  //! Doubles per stage-1 row: loss, scenario id, one P&L per position.
  std::size_t tail_width() const;

 private:
  void run_stats(std::uint64_t task, std::vector<double>& out) const;
  void run_tail(std::uint64_t task, double threshold, std::vector<double>& out) const;

  std::shared_ptr<const VarSetup> setup_;
  std::shared_ptr<const kernels::var::Simulator> sim_;
  std::optional<PnlHistogram> histogram_;
  std::uint64_t n_batches_ = 0;
};

//! Builds a var job (the kind's factory): parses, validates against the data, estimates.
std::unique_ptr<Job> make_var_job(const std::string& spec_text, const std::string& origin,
                                  const std::shared_ptr<const MarketData>& data);

}  // namespace qg::jobs
