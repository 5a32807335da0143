#pragma once
// Writes a sweep's records as the /sweep table of a run file (docs/hdf5-schema.md).
#include <memory>
#include <string>
#include <vector>

#include "qg/jobs/job.hpp"
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

 private:
  void write_attributes(std::size_t n_symbols);

  std::shared_ptr<const SweepSpec> spec_;
  results::RunFile& out_;
  results::TableWriter* table_ = nullptr;
  std::size_t n_symbols_ = 0;
  std::vector<double> rows_;  // reused between consume() calls
  std::uint64_t failed_ = 0;  // of stage 0
  std::unique_ptr<SweepOverfitting> overfitting_;
};

}  // namespace qg::jobs
