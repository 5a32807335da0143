#pragma once
// A job kind: what a spec with `job: NAME` becomes, and everything the tools need to know
// about its run files. The CLI (`results summary|top|export`, `approve`) and the coordinator
// reach a kind only through this interface and the registry (registry.hpp), so that no layer
// outside jobs/ names a kind or its tables.
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qg/core/bar_source.hpp"
#include "qg/core/market_data.hpp"
#include "qg/jobs/model_candidate.hpp"

namespace qg::results {
class RunReader;
}

namespace qg::jobs {

class Job;

//! One table of a run file: a group of equal-length 1-D column datasets.
struct TableInfo {
  std::string name;     // what users type: `--table components`, `load(run, "components")`
  std::string path;     // its group in the run file: "/var/components"
  std::string summary;  // one line for listings
};

//! How to pick the row an approval signs off.
struct CandidateQuery {
  std::string best;  // metric to maximise (or minimise, `ascending`); empty: use `row`
  bool ascending = false;
  std::int64_t row = -1;  // explicit 0-based row of the kind's main table
  std::string where;      // only rows passing this filter (results/row_filter.hpp); empty: any row
};

//! A row of a run that can be deployed: the artifact, and the evidence for it.
struct Candidate {
  // artifact
  std::string strategy;  // strategy kind
  std::string mode;      // long_flat | long_short
  std::string symbol;
  std::vector<std::pair<std::string, double>> params;  // in the strategy's order
  double cost_per_unit = 0.0;
  // evidence
  std::int64_t row = 0;  // 0-based row of the main table
  std::int64_t combo = 0;
  std::string selected_by;                              // "highest sharpe", "row 12"
  std::vector<std::pair<std::string, double>> metrics;  // in metric order
  //! The run's overfitting statistics when it has them (/overfitting: "dsr", "pbo", "psr",
  //! "dsr_n_eff", "n_trials"), empty otherwise.
  std::vector<std::pair<std::string, double>> overfitting;
  std::string job_name, spec_sha256, data_sha256;  // root attributes
  std::string run_sha256;                          // SHA-256 of the file's bytes now
  std::string results_digest;                      // RunReader::datasets_digest()
  //! A train run's refitted model: set, the candidate is a `model` artifact (strategy, mode and
  //! params are then empty); unset, it is a strategy's parameters.
  std::optional<ModelCandidate> model;
};

class JobKind {
 public:
  virtual ~JobKind() = default;
  //! The spec's `job:` value.
  virtual std::string_view name() const = 0;
  //! Top-level spec keys this kind adds to the common ones (job, name, data, output, seed).
  virtual std::span<const std::string_view> spec_keys() const = 0;
  //! Parses the spec and builds the job over loaded data (ConfigError / DataError).
  virtual std::unique_ptr<Job> make_job(const std::string& spec_text, const std::string& origin,
                                        std::shared_ptr<const MarketData> data) const = 0;
  //! make_job over bars that stay in the store until a task reads them (BarSource). By
  //! default every symbol is loaded first (kinds whose tasks all read every selected symbol);
  //! a kind whose tasks read one symbol each overrides it to load symbols as tasks need them.
  virtual std::unique_ptr<Job> make_store_job(const std::string& spec_text, const std::string& origin,
                                              std::shared_ptr<const BarSource> source) const;
  //! The tables its run files hold; the first is the main table. Optional ones may be absent.
  virtual std::span<const TableInfo> tables() const = 0;
  //! The column `results top` ranks the main table by when none is given, and whether
  //! larger is better.
  virtual std::pair<std::string, bool> default_ranking(const results::RunReader& run) const = 0;
  //! The kind's part of `results summary` (after the provenance; /errors follows).
  virtual void print_summary(const results::RunReader& run, std::ostream& os) const = 0;
  //! The deployable row a query picks. ConfigError when the kind has nothing to approve.
  virtual Candidate candidate(const std::filesystem::path& run, const CandidateQuery& query) const;
};

}  // namespace qg::jobs
