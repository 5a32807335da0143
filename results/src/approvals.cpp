#include "qg/results/approvals.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "h5.hpp"
#include "qg/core/error.hpp"
#include "qg/kernels/backtest.hpp"
#include "qg/kernels/strategy.hpp"
#include "qg/results/run_file.hpp"
#include "qg/core/sha256.hpp"

namespace qg::results {
namespace {

constexpr const char* kSweep = "/sweep";
constexpr const char* kApprovals = "/approvals";

SweepCandidate candidate_from(const std::filesystem::path& run, const RunReader& reader, const Table& table,
                              std::int64_t row) {
  if (row < 0 || static_cast<std::size_t>(row) >= table.rows())
    throw DataError(run.string() + ":/sweep: row " + std::to_string(row) + " is out of range (0.." +
                    std::to_string(static_cast<std::int64_t>(table.rows()) - 1) + ")");
  const auto r = static_cast<std::size_t>(row);
  SweepCandidate c;
  c.row = row;
  c.combo = static_cast<std::int64_t>(table.column("combo")[r]);
  const auto symbols = reader.read_strings("/sweep/symbols");
  const auto sym = static_cast<std::size_t>(table.column("symbol")[r]);
  if (sym >= symbols.size()) throw DataError(run.string() + ":/sweep/symbol: index out of range");
  c.symbol = symbols[sym];
  c.strategy = reader.string_attribute(kSweep, "strategy");
  c.mode = reader.string_attribute(kSweep, "mode");
  c.cost_per_unit = reader.double_attribute(kSweep, "cost_per_unit");
  const kernels::Strategy* strategy = kernels::find_strategy(c.strategy);
  if (strategy == nullptr) throw DataError(run.string() + ": unknown strategy '" + c.strategy + "'");
  for (const auto& def : strategy->params()) {
    const std::string name(def.name);
    c.params.emplace_back(name, table.column("params/" + name)[r]);
  }
  for (const auto& name : kernels::metric_names()) {
    const std::string column = "metrics/" + std::string(name);
    if (std::find(table.names.begin(), table.names.end(), column) != table.names.end())
      c.metrics.emplace_back(std::string(name), table.column(column)[r]);
  }
  c.job_name = reader.string_attribute("/", "job_name");
  c.spec_sha256 = reader.string_attribute("/", "spec_sha256");
  c.data_sha256 = reader.string_attribute("/", "data_sha256");
  c.results_digest = reader.datasets_digest();
  c.run_sha256 = sha256_file(run);
  return c;
}

Table sweep_table(const std::filesystem::path& run, const RunReader& reader) {
  if (!reader.has(kSweep)) throw DataError(run.string() + ": no /sweep table (only sweep runs can be approved)");
  return reader.read_table(kSweep);
}

}  // namespace

SweepCandidate best_sweep_candidate(const std::filesystem::path& run, const std::string& metric, bool ascending) {
  const auto reader = RunReader::open(run);
  const Table table = sweep_table(run, *reader);
  const std::string column = "metrics/" + metric;
  if (std::find(table.names.begin(), table.names.end(), column) == table.names.end())
    throw DataError(run.string() + ":/sweep: no metric '" + metric + "'");
  const auto& values = table.column(column);
  std::int64_t best = -1;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (std::isnan(values[i])) continue;
    const auto b = static_cast<std::size_t>(best);
    if (best < 0 || (ascending ? values[i] < values[b] : values[i] > values[b])) best = static_cast<std::int64_t>(i);
  }
  if (best < 0) throw DataError(run.string() + ":/sweep: metric '" + metric + "' is NaN in every row");
  return candidate_from(run, *reader, table, best);
}

SweepCandidate sweep_candidate_at(const std::filesystem::path& run, std::int64_t row) {
  const auto reader = RunReader::open(run);
  return candidate_from(run, *reader, sweep_table(run, *reader), row);
}

void append_approval(const std::filesystem::path& run, const std::string& name, const std::string& record) {
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
    throw DataError("approval name '" + name + "' is not a valid HDF5 name");
  RunReader::open(run);  // refuses files that are not quantgrid run files
  const std::filesystem::path tmp = run.string() + ".approval.tmp";
  std::filesystem::copy_file(run, tmp, std::filesystem::copy_options::overwrite_existing);
  try {
    h5::QuietErrors quiet;
    h5::Handle file = h5::open_file(tmp, true);
    const std::string group = h5::join(kApprovals, name);
    if (h5::exists(file.get(), group)) throw DataError(run.string() + ": " + group + " exists already");
    h5::Handle g = h5::require_group(file.get(), group, h5::where(tmp, group));
    h5::write_attribute(g.get(), "record", record, h5::where(tmp, group));
    h5::write_attribute(g.get(), "record_sha256", sha256_hex(record), h5::where(tmp, group));
    g.close();
    h5::close_file(file, tmp);
    h5::sync_file(tmp);
    h5::rename_file(tmp, run);
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
}

std::vector<std::pair<std::string, std::string>> read_approvals(const std::filesystem::path& run) {
  h5::QuietErrors quiet;
  h5::Handle file = h5::open_file(run, false);
  std::vector<std::pair<std::string, std::string>> out;
  if (!h5::exists(file.get(), kApprovals)) return out;
  h5::Handle group = h5::open_object(file.get(), kApprovals, h5::where(run));
  hsize_t n = 0;
  H5Gget_num_objs(group.get(), &n);
  for (hsize_t i = 0; i < n; ++i) {
    char name[256];
    H5Gget_objname_by_idx(group.get(), i, name, sizeof name);
    h5::Handle g = h5::open_object(file.get(), h5::join(kApprovals, name), h5::where(run));
    const auto text = h5::read_string_attribute(g.get(), "record", h5::where(run, h5::join(kApprovals, name)));
    out.emplace_back(name, text.value_or(""));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace qg::results
