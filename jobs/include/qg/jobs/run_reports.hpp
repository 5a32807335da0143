#pragma once
// `quantgrid results summary|top|export` over any run file: the run's job_kind attribute picks
// the kind (registry.hpp), whose tables, ranking and summary the reports follow.
#include <cstddef>
#include <filesystem>
#include <ostream>
#include <string>

#include "qg/results/analysis.hpp"

namespace qg::jobs {

//! Provenance, the kind's summary, then the failed tasks if any.
void print_run_summary(const std::filesystem::path& run, std::ostream& os);

//! The best `n` rows (0 = all) of the kind's main table ranked by `column` (empty: the kind's
//! default ranking, e.g. a sweep's rank_by), descending unless `ascending`.
void print_run_top(const std::filesystem::path& run, const std::string& column, std::size_t n, bool ascending,
                   std::ostream& os);
//! Same with a filter and grouping (results::TopQuery); an empty query.column: the kind's
//! default ranking, with `ascending` flipping its direction.
void print_run_top(const std::filesystem::path& run, results::TopQuery query, std::ostream& os);

//! Table `table` of the run as CSV: a name of one of the kind's tables ("components"), its
//! group path ("/var/components") or "errors"; empty: the main table. ConfigError lists the
//! tables when `table` is none of them.
void export_run_table(const std::filesystem::path& run, const std::string& table, std::ostream& os);

//! "NAME  PATH  what it holds" for each of the run's tables present in the file.
void print_run_tables(const std::filesystem::path& run, std::ostream& os);

}  // namespace qg::jobs
