#pragma once
// Read-only reports over run files and market stores, behind `quantgrid results ...` and
// `quantgrid data info`. Every function prints to the stream it is given.
#include <cstddef>
#include <filesystem>
#include <ostream>
#include <string>

namespace qg::results {

//! Prints the best `n` rows (0 = all) of the run's job table (the first of /sweep,
//! /walkforward, /model) ranked by metrics/<metric>, descending unless `ascending`, NaN last:
//! rank, combo, symbol name, every parameter and every metric, in aligned columns.
//! Throws DataError listing the available metrics when `metric` is unknown.
void print_top(const std::filesystem::path& run, const std::string& metric, std::size_t n, bool ascending,
               std::ostream& os);

//! Prints the run's provenance (job, tool version, commit, spec and data digests, seed,
//! ranks, times, rows), min/median/max of every metric, and the /errors table if any.
void print_summary(const std::filesystem::path& run, std::ostream& os);

//! Writes table `group` ("/sweep") as CSV: a header, then one line per row with symbol
//! names resolved and numbers at full precision (%.17g).
void export_csv(const std::filesystem::path& run, const std::string& group, std::ostream& os);

//! Prints every symbol of a market store with its first and last date and bar count.
void print_store_info(const std::filesystem::path& store, std::ostream& os);

}  // namespace qg::results
