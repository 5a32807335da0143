#pragma once
// The overfitting stages of a sweep as its reducer sees them (stages 1-3, sweep_job.hpp): per
// symbol, DSR/PSR over that symbol's parameter sets and PBO by CSCV, written as the attributes
// of /overfitting (a single-symbol sweep) or /overfitting/<symbol> (docs/hdf5-schema.md).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "overfitting/overfitting_tally.hpp"

namespace qg::results {
class RunFile;
}

namespace qg::jobs {

class SweepJob;

class SweepOverfitting {
 public:
  SweepOverfitting(const SweepJob& job, results::RunFile& out);

  //! The group of a symbol's statistics: "/overfitting" when the sweep has one symbol, else
  //! "/overfitting/<symbol>".
  static std::string group(std::size_t n_symbols, const std::string& symbol);

  //! After stage 0: writes each symbol's live period, or why it has no statistics; returns
  //! stage 1's input (empty when no symbol has statistics).
  std::vector<double> begin();
  void consume(std::uint32_t stage, std::uint64_t task, std::span<const double> records);
  void task_failed(std::uint32_t stage) { ++failed_[stage]; }
  //! The input of stage + 1; empty after the last stage, or when a stage lost tasks (the
  //! groups then say so in the attribute `incomplete`).
  std::vector<double> end_stage(std::uint32_t stage);

 private:
  std::vector<double> reduce_live_sums();
  std::vector<double> reduce_moments();
  void mark_incomplete(std::uint32_t stage);
  std::string group_of(std::size_t e) const;

  const SweepJob& job_;
  results::RunFile& out_;
  std::vector<double> sets_;               // stage 1: stage1_width() doubles per set, symbol-major
  std::vector<OverfittingTally> tallies_;  // per symbol with statistics
  std::uint64_t failed_[4] = {0, 0, 0, 0};
  bool dead_ = false;
};

}  // namespace qg::jobs
