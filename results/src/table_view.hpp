#pragma once
// Tables as the reports show them (private to qg::results): a table's columns in display order
// (combo, symbol, params, other columns, metrics) with their labels, a column's last path
// component unless two would collide ("params/fast" -> "fast"), and symbol names resolved.
#include <cstddef>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "qg/results/run_file.hpp"

namespace qg::results::detail {

//! A job table with its columns in display order and the symbol names it refers to.
struct View {
  std::string group;
  Table table;
  std::vector<std::size_t> order;   // indices into table.names
  std::vector<std::string> labels;  // parallel to order
  std::vector<std::string> symbols;
};

//! A view of `table` (rows of `group`) with its display order and labels.
View make_view(std::string group, Table table, std::vector<std::string> symbols);
//! The view of `group`: its columns in display order, and every row when `with_rows` (else
//! none: the names and labels only, for reading the rows in blocks).
View load_view(const RunReader& reader, const std::string& group, bool with_rows = true);
//! A value of column `column` (an index into table.names) as shown: symbol names resolved,
//! %.17g when `full_precision`, else short.
std::string format_value(const View& view, std::size_t column, double value, bool full_precision);
//! format_value of a row of the view's table.
std::string cell(const View& view, std::size_t column, std::size_t row, bool full_precision);
//! The metric names of a table ("sharpe" for "metrics/sharpe").
std::vector<std::string> metric_names(const Table& table);
//! The column `name` names: its full name ("metrics/sharpe"), its label ("sharpe") or a
//! metric's name. DataError listing the choices otherwise.
std::size_t sort_column(const View& view, const std::filesystem::path& run, const std::string& name);
//! The text columns of `group` with `rows` entries ("method_name"); "symbols" is a lookup list.
std::vector<std::pair<std::string, std::vector<std::string>>> text_columns(const RunReader& reader,
                                                                           const std::string& group, std::size_t rows);
//! The median (the mean of the two middle values for an even count); `values` not empty.
double median_of(std::vector<double> values);

}  // namespace qg::results::detail
