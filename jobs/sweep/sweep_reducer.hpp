#pragma once
// Writes a sweep's records as the /sweep table of a run file (docs/hdf5-schema.md).
#include <memory>
#include <string>
#include <vector>

#include "qg/jobs/job.hpp"
#include "sweep/background_appender.hpp"
#include "sweep/sweep_overfitting.hpp"
#include "sweep/sweep_spec.hpp"

namespace qg::results {
class TableWriter;
}

namespace qg::jobs {

//! Turns each stage-0 task's records into rows [combo, symbol, params/<name>..., metrics/<name>...]
//! of the table "/sweep", appended in task-id order; hands the overfitting stages (1-3) to
//! `overfitting` (null when overfitting is off).
class SweepReducer final : public Reducer {
 public:
  //! Creates the table, writes /sweep/symbols and the /sweep group attributes.
  SweepReducer(std::shared_ptr<const SweepSpec> spec, const std::vector<std::string>& symbols, results::RunFile& out,
               std::unique_ptr<SweepOverfitting> overfitting = nullptr);

  void consume(std::uint32_t stage, std::uint64_t task, std::span<const double> records) override;
  void task_failed(std::uint32_t stage, std::uint64_t task, const std::string& message) override;
  //! Stage 0: records its failed-task count as the attribute failed_tasks and returns the
  //! overfitting stages' input (empty when they do not run).
  std::vector<double> end_stage(std::uint32_t stage) override;

  std::uint64_t failed_tasks() const { return failed_; }

  //! Rows are gathered across tasks and handed to the table in blocks of at least this many:
  //! one append per block instead of one per task (a task of a dispatch-bound run holds a few rows).
  //! A thread of the reducer's own appends each block (BackgroundAppender) while the next one is
  //! gathered; end_stage() waits for the last.
  static constexpr std::size_t kAppendRows = 4096;

 private:
  void write_attributes(std::size_t n_symbols);
  //! Hands the gathered rows to the appender's thread.
  void append_rows();

  std::shared_ptr<const SweepSpec> spec_;
  results::RunFile& out_;
  results::TableWriter* table_ = nullptr;
  double n_symbols_ = 0;  // as doubles: compared with each record's symbol and combo
  double n_combos_ = 0;
  std::size_t row_width_ = 0;                     // combo, symbol, the parameters, the metrics
  std::unique_ptr<BackgroundAppender> appender_;  // its rows(): fewer than kAppendRows after each task
  std::uint64_t failed_ = 0;                      // of stage 0
  std::unique_ptr<SweepOverfitting> overfitting_;
};

}  // namespace qg::jobs
