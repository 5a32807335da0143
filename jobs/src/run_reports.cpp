#include "qg/jobs/run_reports.hpp"

#include "qg/core/error.hpp"
#include "qg/jobs/registry.hpp"
#include "qg/results/analysis.hpp"
#include "qg/results/run_file.hpp"
#include "qg/results/text_table.hpp"

namespace qg::jobs {
namespace {

constexpr const char* kErrors = "/errors";

bool is_errors(const std::string& table) { return table == "errors" || table == kErrors; }

}  // namespace

void print_run_summary(const std::filesystem::path& run, std::ostream& os) {
  const auto reader = results::RunReader::open(run);
  const JobKind& kind = kind_of_run(*reader, run);
  results::print_provenance(*reader, run, os);
  kind.print_summary(*reader, os);
  results::print_errors(*reader, os);
}

void print_run_top(const std::filesystem::path& run, const std::string& column, std::size_t n, bool ascending,
                   std::ostream& os) {
  print_run_top(run, results::TopQuery{column, n, ascending, {}, {}, "median"}, os);
}

void print_run_top(const std::filesystem::path& run, results::TopQuery query, std::ostream& os) {
  const auto reader = results::RunReader::open(run);
  const JobKind& kind = kind_of_run(*reader, run);
  const TableInfo& main = find_table(kind, "");
  if (query.column.empty()) {
    const auto [name, larger_is_better] = kind.default_ranking(*reader);
    query.column = name;
    query.ascending = larger_is_better == query.ascending;
  }
  results::print_top(*reader, run, main.path, query, os);
}

void export_run_table(const std::filesystem::path& run, const std::string& table, std::ostream& os) {
  const auto reader = results::RunReader::open(run);
  if (is_errors(table)) {
    if (!reader->has(kErrors)) throw DataError(run.string() + ": no failed tasks (no /errors table)");
    return results::export_csv(run, kErrors, os);
  }
  const TableInfo& info = find_table(kind_of_run(*reader, run), table);
  if (!reader->has(info.path)) throw DataError(run.string() + ": no " + info.path + " table in this run");
  results::export_csv(run, info.path, os);
}

void print_run_tables(const std::filesystem::path& run, std::ostream& os) {
  const auto reader = results::RunReader::open(run);
  std::vector<std::vector<std::string>> rows{{"table", "group", "holds"}};
  for (const TableInfo& t : kind_of_run(*reader, run).tables())
    if (reader->has(t.path)) rows.push_back({t.name, t.path, t.summary});
  if (reader->has(kErrors)) rows.push_back({"errors", kErrors, "failed tasks: task, stage, rank, message"});
  results::print_aligned(rows, {true, true, true}, os);
}

}  // namespace qg::jobs
