#pragma once
// Read-only reports over run files and market stores, behind `quantgrid results ...` and
// `quantgrid data info`. Kind-neutral: which tables a run has, and what its summary shows,
// is the job kind's business (jobs/, qg/jobs/job_kind.hpp). Every function prints to the
// stream it is given.
#include <cstddef>
#include <filesystem>
#include <ostream>
#include <string>

namespace qg::results {

class RunReader;

//! Prints the best `n` rows (0 = all) of `table` ("/sweep") ranked by `column`, descending
//! unless `ascending`, NaN last: rank, the text columns, then every numeric column (symbol
//! names resolved) in aligned columns. `column` is a column's label ("sharpe", "fast"), its
//! full name ("metrics/sharpe") or a metric's name. DataError lists the metrics (or, for a
//! table without metrics, the columns) when `column` is unknown.
void print_top(const std::filesystem::path& run, const std::string& table, const std::string& column, std::size_t n,
               bool ascending, std::ostream& os);
//! Same, over an open reader (`run` names the file in errors).
void print_top(const RunReader& reader, const std::filesystem::path& run, const std::string& table,
               const std::string& column, std::size_t n, bool ascending, std::ostream& os);

//! What `results top` shows.
struct TopQuery {
  std::string column;          // rank by: a label ("sharpe", "fast"), full name or metric name
  std::size_t n = 10;          // rows to show; 0: all
  bool ascending = false;      // smallest first
  std::string where;           // a RowFilter expression (row_filter.hpp); empty: every row
  std::string group_by;        // "params": one row per parameter set, its metrics aggregated over symbols
  std::string agg = "median";  // with group_by: median | min | mean (NaN values left out)
};
//! The best rows of `table` for `query`: rows failing `where` are left out (with group_by, the
//! filter applies to the aggregated values); otherwise as print_top below. Without group_by the
//! table is read in blocks and memory is bounded by n (n = 0 keeps every passing row).
//! ConfigError for a bad expression, group_by or agg; DataError for an unknown column.
void print_top(const RunReader& reader, const std::filesystem::path& run, const std::string& table,
               const TopQuery& query, std::ostream& os);

//! The run's provenance: job, tool version, commit, spec and data digests, seed, ranks, times.
void print_provenance(const RunReader& reader, const std::filesystem::path& run, std::ostream& os);
//! One table's row count, its group attributes, and min/median/max/NaN count of its metrics.
void print_table_overview(const RunReader& reader, const std::string& table, std::ostream& os);
//! The /errors table (failed tasks with their messages), when the run has one.
void print_errors(const RunReader& reader, std::ostream& os);

//! Writes table `group` ("/sweep") as CSV: a header, then one line per row with symbol
//! names resolved and numbers at full precision (%.17g).
void export_csv(const std::filesystem::path& run, const std::string& group, std::ostream& os);

//! Prints every symbol of a market store with its first and last date and bar count.
void print_store_info(const std::filesystem::path& store, std::ostream& os);

}  // namespace qg::results
