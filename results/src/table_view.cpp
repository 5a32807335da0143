// Tables as the reports show them: columns in display order with their labels, symbol names
// resolved (shared by the reports in analysis.cpp and top_rows.cpp).
#include "table_view.hpp"

#include <algorithm>
#include <map>
#include <numeric>

#include "qg/core/error.hpp"
#include "qg/results/text_table.hpp"

namespace qg::results::detail {
namespace {

int display_rank(const std::string& name) {
  if (name == "combo") return 0;
  if (name == "symbol") return 1;
  if (name.starts_with("params/")) return 2;
  if (name.starts_with("metrics/")) return 4;
  return 3;
}

std::string leaf(const std::string& name) { return name.substr(name.rfind('/') + 1); }

std::vector<std::string> labels_for(const std::vector<std::string>& names) {
  std::map<std::string, int> uses;
  for (const auto& name : names) ++uses[leaf(name)];
  std::vector<std::string> labels;
  for (const auto& name : names) labels.push_back(uses[leaf(name)] > 1 ? name : leaf(name));
  return labels;
}

}  // namespace

View make_view(std::string group, Table table, std::vector<std::string> symbols) {
  View view{std::move(group), std::move(table), {}, {}, std::move(symbols)};
  view.order.resize(view.table.names.size());
  std::iota(view.order.begin(), view.order.end(), std::size_t{0});
  std::stable_sort(view.order.begin(), view.order.end(), [&](std::size_t a, std::size_t b) {
    return display_rank(view.table.names[a]) < display_rank(view.table.names[b]);
  });
  std::vector<std::string> ordered;
  for (std::size_t i : view.order) ordered.push_back(view.table.names[i]);
  view.labels = labels_for(ordered);
  return view;
}

View load_view(const RunReader& reader, const std::string& group, bool with_rows) {
  std::vector<std::string> symbols;
  if (reader.has(group + "/symbols")) symbols = reader.read_strings(group + "/symbols");
  return make_view(group, with_rows ? reader.read_table(group) : reader.read_table_rows(group, 0, 0),
                   std::move(symbols));
}

std::string format_value(const View& view, std::size_t column, double value, bool full_precision) {
  if (view.table.names[column] == "symbol" && value >= 0 && value < static_cast<double>(view.symbols.size()))
    return view.symbols[static_cast<std::size_t>(value)];
  return full_precision ? format_number("%.17g", value) : short_number(value);
}

std::string cell(const View& view, std::size_t column, std::size_t row, bool full_precision) {
  return format_value(view, column, view.table.columns[column][row], full_precision);
}

std::vector<std::string> metric_names(const Table& table) {
  std::vector<std::string> metrics;
  for (const auto& name : table.names)
    if (name.starts_with("metrics/")) metrics.push_back(name.substr(8));
  return metrics;
}

//! The column `name` names: its full name ("metrics/sharpe"), its label ("sharpe") or a
//! metric's name. DataError listing the choices otherwise.
std::size_t sort_column(const View& view, const std::filesystem::path& run, const std::string& name) {
  const auto& names = view.table.names;
  for (std::size_t c = 0; c < view.order.size(); ++c)
    if (view.labels[c] == name || names[view.order[c]] == name) return view.order[c];
  const auto metric = std::find(names.begin(), names.end(), "metrics/" + name);
  if (metric != names.end()) return static_cast<std::size_t>(metric - names.begin());
  const auto metrics = metric_names(view.table);
  const bool by_metric = !metrics.empty();
  std::string available;
  for (const auto& label : by_metric ? metrics : view.labels) available += (available.empty() ? "" : ", ") + label;
  throw DataError(run.string() + ":" + view.group + ": unknown " + (by_metric ? "metric" : "column") + " '" + name +
                  "'; available: " + (available.empty() ? "none" : available));
}

//! The text columns of `group` with `rows` entries ("method_name"); "symbols" is a lookup list.
std::vector<std::pair<std::string, std::vector<std::string>>> text_columns(const RunReader& reader,
                                                                           const std::string& group, std::size_t rows) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const auto& name : reader.string_datasets(group)) {
    if (name == "symbols") continue;
    auto values = reader.read_strings(group + "/" + name);
    if (values.size() == rows) out.emplace_back(name, std::move(values));
  }
  return out;
}

double median_of(std::vector<double> values) {
  const std::size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
  const double upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  return (upper + *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid))) / 2;
}

}  // namespace qg::results::detail
