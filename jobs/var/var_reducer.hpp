#pragma once
// Merges the var job's stages and writes the /var group of a run file (docs/var.md).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "qg/jobs/job.hpp"
#include "var/pnl_histogram.hpp"
#include "var/var_analytics.hpp"
#include "qg/kernels/var/tail.hpp"

namespace qg::jobs {

struct VarSetup;
class VarJob;

//! Stage 0: collects per-batch statistics and merges the batches' kept (loss, id) pairs into a
//! bounded top K; names the batches to rerun. Stage 1: merges their further pairs: the exact K
//! largest losses; yields their ids and ranks. Stage 2: adds the tasks' component sums and,
//! for incremental VaR, places each tail scenario's per-position P&L at its rank; then
//! computes every figure and writes /var/summary, /var/components, /var/stress,
//! /var/backtest, /var/pnl_histogram and their companions.
class VarReducer final : public Reducer {
 public:
  VarReducer(std::shared_ptr<const VarSetup> setup, const VarJob& job, results::RunFile& out);

  void consume(std::uint32_t stage, std::uint64_t task, std::span<const double> records) override;
  void task_failed(std::uint32_t stage, std::uint64_t task, const std::string& message) override;
  std::vector<double> end_stage(std::uint32_t stage) override;

 private:
  std::vector<double> rerun_input();
  std::vector<double> tail_ids();
  void consume_tail(std::span<const double> records);
  void write_results();
  void write_attributes(const MethodFigures& mc);
  void write_assets();
  void write_summary(const std::vector<const MethodFigures*>& methods);
  void write_components(const std::vector<const MethodFigures*>& methods);
  void write_stress();
  void write_backtest();
  void write_histogram();

  std::shared_ptr<const VarSetup> setup_;
  results::RunFile& out_;
  std::uint64_t n_tasks_ = 0;
  std::uint64_t tail_capacity_ = 0;
  std::size_t stats_width_ = 0;
  std::vector<BatchStats> batches_;
  const PnlHistogram histogram_;
  std::vector<double> histogram_counts_;         // the batches' counts summed (integers, exact in a double)
  std::optional<kernels::var::TailRows> pairs_;  // (loss, id) of the run's largest losses
  std::vector<double> last_kept_;                // per batch: batch, kept all (0/1), last loss, last id
  std::size_t tail_width_ = 0;
  std::size_t component_width_ = 0;
  bool keeps_rows_ = false;             // the tail's per-position rows come for incremental VaR
  std::vector<double> losses_;          // the K largest losses, descending
  std::vector<double> component_sums_;  // TailComponents sums, added in task order
  std::uint64_t tail_records_ = 0;
  //! The K tail rows in loss order (stage 2, rows kept), allocated but not touched before their
  //! rows arrive: a row's pages are first written when stage 2 places it.
  std::unique_ptr<double[]> tail_;
  std::vector<double> tail_ids_;           // ids of the K tail rows in loss order (rows kept)
  std::vector<std::uint32_t> rank_by_id_;  // tail ranks in ascending id order
  std::size_t placed_ = 0;
  std::uint64_t failed_ = 0;
  double threshold_ = 0;
};

}  // namespace qg::jobs
