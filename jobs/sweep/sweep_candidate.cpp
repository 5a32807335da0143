#include "sweep/sweep_candidate.hpp"

#include <algorithm>
#include <cmath>

#include "overfitting/overfitting_report.hpp"
#include "qg/core/error.hpp"
#include "qg/core/sha256.hpp"
#include "qg/kernels/backtest.hpp"
#include "qg/kernels/strategy.hpp"
#include "qg/results/row_filter.hpp"
#include "qg/results/run_file.hpp"
#include "sweep/sweep_overfitting.hpp"

namespace qg::jobs {
namespace {

constexpr const char* kTable = "/sweep";

Candidate candidate_from(const std::filesystem::path& run, const results::RunReader& reader,
                         const results::Table& table, std::int64_t row) {
  if (row < 0 || static_cast<std::size_t>(row) >= table.rows())
    throw DataError(run.string() + ":/sweep: row " + std::to_string(row) + " is out of range (0.." +
                    std::to_string(static_cast<std::int64_t>(table.rows()) - 1) + ")");
  const auto r = static_cast<std::size_t>(row);
  Candidate c;
  c.row = row;
  c.combo = static_cast<std::int64_t>(table.column("combo")[r]);
  const auto symbols = reader.read_strings("/sweep/symbols");
  const auto sym = static_cast<std::size_t>(table.column("symbol")[r]);
  if (sym >= symbols.size()) throw DataError(run.string() + ":/sweep/symbol: index out of range");
  c.symbol = symbols[sym];
  c.strategy = reader.string_attribute(kTable, "strategy");
  c.mode = reader.string_attribute(kTable, "mode");
  c.cost_per_unit = reader.double_attribute(kTable, "cost_per_unit");
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
  // The symbol's overfitting statistics (over all its parameter sets, not this row's alone).
  c.overfitting = overfitting_evidence(reader, SweepOverfitting::group(symbols.size(), c.symbol));
  c.job_name = reader.string_attribute("/", "job_name");
  c.spec_sha256 = reader.string_attribute("/", "spec_sha256");
  c.data_sha256 = reader.string_attribute("/", "data_sha256");
  c.results_digest = reader.datasets_digest();
  c.run_sha256 = sha256_file(run);
  return c;
}

results::Table sweep_table(const std::filesystem::path& run, const results::RunReader& reader) {
  if (!reader.has(kTable)) throw DataError(run.string() + ": no /sweep table (only sweep runs can be approved)");
  return reader.read_table(kTable);
}

//! The column a --where name refers to: as stored ("combo"), or a metric's or parameter's name.
const std::vector<double>& where_column(const std::filesystem::path& run, const results::Table& table,
                                        const std::string& name) {
  for (const std::string& full : {name, "metrics/" + name, "params/" + name}) {
    const auto it = std::find(table.names.begin(), table.names.end(), full);
    if (it != table.names.end()) return table.columns[static_cast<std::size_t>(it - table.names.begin())];
  }
  throw DataError(run.string() + ":/sweep: --where names no column '" + name + "'");
}

//! passes[i]: row i passes `where` (every row when it is empty).
std::vector<bool> passing_rows(const std::filesystem::path& run, const results::Table& table,
                               const std::string& where) {
  std::vector<bool> passes(table.rows(), true);
  if (where.empty()) return passes;
  const results::RowFilter filter = results::RowFilter::parse(where);
  std::vector<const std::vector<double>*> columns;
  for (const auto& name : filter.columns()) columns.push_back(&where_column(run, table, name));
  std::vector<double> values(columns.size());
  for (std::size_t i = 0; i < table.rows(); ++i) {
    for (std::size_t c = 0; c < columns.size(); ++c) values[c] = (*columns[c])[i];
    passes[i] = filter.matches(values);
  }
  return passes;
}

}  // namespace

Candidate best_sweep_candidate(const std::filesystem::path& run, const std::string& metric, bool ascending,
                               const std::string& where) {
  const auto reader = results::RunReader::open(run);
  const results::Table table = sweep_table(run, *reader);
  const std::string column = "metrics/" + metric;
  if (std::find(table.names.begin(), table.names.end(), column) == table.names.end())
    throw DataError(run.string() + ":/sweep: no metric '" + metric + "'");
  const auto& values = table.column(column);
  const std::vector<bool> passes = passing_rows(run, table, where);
  std::int64_t best = -1;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (std::isnan(values[i]) || !passes[i]) continue;
    const auto b = static_cast<std::size_t>(best);
    if (best < 0 || (ascending ? values[i] < values[b] : values[i] > values[b])) best = static_cast<std::int64_t>(i);
  }
  if (best < 0 && !where.empty())
    throw DataError(run.string() + ":/sweep: no row passes --where \"" + where + "\" with a value of " + metric);
  if (best < 0) throw DataError(run.string() + ":/sweep: metric '" + metric + "' is NaN in every row");
  return candidate_from(run, *reader, table, best);
}

Candidate sweep_candidate_at(const std::filesystem::path& run, std::int64_t row, const std::string& where) {
  const auto reader = results::RunReader::open(run);
  const results::Table table = sweep_table(run, *reader);
  Candidate c = candidate_from(run, *reader, table, row);
  if (!passing_rows(run, table, where)[static_cast<std::size_t>(row)])
    throw DataError(run.string() + ":/sweep: row " + std::to_string(row) + " does not pass --where \"" + where + "\"");
  return c;
}

}  // namespace qg::jobs
