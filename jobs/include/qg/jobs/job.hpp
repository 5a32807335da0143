#pragma once
// The job model. A job kind turns a spec into a plan: an ordered list of stages, each of
// `num_tasks(stage, input)` independent tasks with ids 0..n-1. A task is a pure function of
// (spec, data, stage input, task id) returning a vector of doubles (its records). A stage's
// Reducer sees every task's records in task-id order and yields the next stage's input or the
// final outputs. A Job is immutable once built: the coordinator and the workers of one process
// share one instance, and the stage input travels with every call that needs it.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qg/core/bar_source.hpp"
#include "qg/core/market_data.hpp"
#include "qg/results/market_store.hpp"

namespace qg::results {
class RunFile;
}

namespace qg::jobs {

class JobKind;

//! The spec fields every job kind has (validated on parse).
struct SpecHeader {
  std::string kind;  // "sweep", ...
  std::string name;
  std::string output;  // the run file path
  std::uint64_t seed = 0;
  std::string data_file;
  results::DataSelection data;
};

//! What the previous stage's reduce produced for a stage (empty for stage 0).
using StageInput = std::span<const double>;

//! Consumes a stage's task records in task-id order on the coordinator and writes outputs.
class Reducer {
 public:
  virtual ~Reducer() = default;
  //! Records of task `task` of `stage`; called exactly once per task, in task-id order.
  virtual void consume(std::uint32_t stage, std::uint64_t task, std::span<const double> records) = 0;
  //! Task `task` threw on a worker; called in task-id order instead of consume().
  virtual void task_failed(std::uint32_t stage, std::uint64_t task, const std::string& message) = 0;
  //! All tasks of `stage` were seen. Returns the input of stage+1 (empty for the last stage).
  virtual std::vector<double> end_stage(std::uint32_t stage) = 0;
};

//! One job, built identically on every rank. Every method is const and thread-safe.
class Job {
 public:
  virtual ~Job() = default;
  virtual const SpecHeader& header() const = 0;
  //! The kind that built this job (its tables, summary and approval hooks).
  virtual const JobKind& kind() const = 0;
  virtual std::uint32_t num_stages() const = 0;
  //! Tasks of `stage`, given the input its predecessor's reduce produced.
  virtual std::uint64_t num_tasks(std::uint32_t stage, StageInput input) const = 0;
  //! Upper bound on the doubles one task of `stage` returns (sizes reorder buffers).
  virtual std::size_t max_task_values(std::uint32_t stage, StageInput input) const = 0;
  //! Runs one task, replacing `out` with its records. Throws on task failure.
  virtual void run_task(std::uint32_t stage, StageInput input, std::uint64_t task, std::vector<double>& out) const = 0;
  //! The reducer that writes this job's outputs into `out` (coordinator only).
  virtual std::unique_ptr<Reducer> make_reducer(results::RunFile& out) const = 0;
  //! Whether rank 0 journals `stage`'s results for `--resume` (the default). A stage whose results
  //! cost more to write than to compute again says false: a resumed run recomputes all of it.
  virtual bool journals_stage(std::uint32_t /*stage*/) const { return true; }
};

//! Reads the common fields of a spec. `origin` names the spec in error messages (its path).
//! Throws ConfigError "ORIGIN:LINE: key: what".
SpecHeader parse_header(const std::string& spec_text, const std::string& origin);

//! Builds the job of a spec over already-loaded data. Throws ConfigError for a bad spec and
//! DataError for data that cannot serve it (e.g. too few bars for a window).
std::unique_ptr<Job> make_job(const std::string& spec_text, const std::string& origin,
                              std::shared_ptr<const MarketData> data);
//! The same over bars read from `source` (JobKind::make_job).
std::unique_ptr<Job> make_job(const std::string& spec_text, const std::string& origin,
                              std::shared_ptr<const BarSource> source);

}  // namespace qg::jobs
