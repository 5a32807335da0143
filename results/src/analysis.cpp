// Reports over run files and stores. Column naming (shared with the Python reader): a
// column is shown by its last path component ("params/fast" -> "fast") unless two shown
// columns would then collide, in which case both keep their full name.
#include "qg/results/analysis.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>

#include "dates.hpp"
#include "qg/results/text_table.hpp"
#include "qg/core/error.hpp"
#include "qg/results/market_store.hpp"
#include "qg/results/run_file.hpp"

namespace qg::results {

namespace {

// ---- loading ----

//! A job table with its columns in display order and the symbol names it refers to.
struct View {
  std::string group;
  Table table;
  std::vector<std::size_t> order;   // indices into table.names
  std::vector<std::string> labels;  // parallel to order
  std::vector<std::string> symbols;
};

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

View load_view(const RunReader& reader, const std::string& group) {
  View view{group, reader.read_table(group), {}, {}, {}};
  view.order.resize(view.table.names.size());
  std::iota(view.order.begin(), view.order.end(), std::size_t{0});
  std::stable_sort(view.order.begin(), view.order.end(), [&](std::size_t a, std::size_t b) {
    return display_rank(view.table.names[a]) < display_rank(view.table.names[b]);
  });
  std::vector<std::string> ordered;
  for (std::size_t i : view.order) ordered.push_back(view.table.names[i]);
  view.labels = labels_for(ordered);
  if (reader.has(group + "/symbols")) view.symbols = reader.read_strings(group + "/symbols");
  return view;
}

std::string cell(const View& view, std::size_t column, std::size_t row, bool full_precision) {
  const double value = view.table.columns[column][row];
  if (view.table.names[column] == "symbol" && value >= 0 && value < static_cast<double>(view.symbols.size()))
    return view.symbols[static_cast<std::size_t>(value)];
  return full_precision ? format_number("%.17g", value) : short_number(value);
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
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

void print_metric_stats(const Table& table, std::ostream& os) {
  std::vector<std::vector<std::string>> rows{{"metric", "min", "median", "max", "nan"}};
  for (const auto& metric : metric_names(table)) {
    std::vector<double> values;
    for (double v : table.column("metrics/" + metric))
      if (!std::isnan(v)) values.push_back(v);
    const std::size_t nans = table.rows() - values.size();
    if (values.empty()) {
      rows.push_back({metric, "-", "-", "-", std::to_string(nans)});
      continue;
    }
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    rows.push_back({metric, format_number("%.6g", *lo), format_number("%.6g", median_of(values)),
                    format_number("%.6g", *hi), std::to_string(nans)});
  }
  if (rows.size() > 1) print_aligned(rows, {true, false, false, false, false}, os);
}

}  // namespace

void print_provenance(const RunReader& reader, const std::filesystem::path& run, std::ostream& os) {
  static const std::pair<const char*, const char*> kFields[] = {{"job kind", "job_kind"},
                                                                {"job name", "job_name"},
                                                                {"tool version", "tool_version"},
                                                                {"git commit", "git_commit"},
                                                                {"schema", "schema_version"},
                                                                {"spec file", "spec_path"},
                                                                {"spec sha256", "spec_sha256"},
                                                                {"data file", "data_file"},
                                                                {"data sha256", "data_sha256"},
                                                                {"seed", "seed"},
                                                                {"ranks", "ranks"},
                                                                {"threads", "threads"},
                                                                {"start time", "start_time"},
                                                                {"end time", "end_time"},
                                                                {"elapsed s", "elapsed_seconds"},
                                                                {"failed tasks", "failed_tasks"}};
  std::vector<std::vector<std::string>> rows{{"run", run.string()}};
  const auto present = reader.attribute_names("/");
  for (const auto& [label, attribute] : kFields) {
    if (std::find(present.begin(), present.end(), attribute) == present.end()) continue;
    const bool seconds = std::string_view(attribute) == "elapsed_seconds";
    rows.push_back({label, seconds ? format_number("%.3f", reader.double_attribute("/", attribute))
                                   : reader.attribute_text("/", attribute)});
  }
  print_aligned(rows, {true, true}, os);
}

void print_table_overview(const RunReader& reader, const std::string& group, std::ostream& os) {
  const Table table = reader.read_table(group);
  os << "\n" << group << ": " << table.rows() << " rows\n";
  for (const auto& name : reader.attribute_names(group))
    os << "  " << name << " = " << reader.attribute_text(group, name) << '\n';
  print_metric_stats(table, os);
}

void print_errors(const RunReader& reader, std::ostream& os) {
  if (!reader.has("/errors")) return;
  const Table table = reader.read_table("/errors");
  std::vector<std::string> messages;
  if (reader.has("/errors/message")) messages = reader.read_strings("/errors/message");
  const std::size_t n = std::max(table.rows(), messages.size());
  os << "\nerrors: " << n << '\n';
  std::vector<std::vector<std::string>> rows{{"task", "stage", "rank", "message"}};
  auto value = [&](const char* name, std::size_t row) {
    const auto it = std::find(table.names.begin(), table.names.end(), name);
    if (it == table.names.end() || row >= table.rows()) return std::string("-");
    return short_number(table.columns[static_cast<std::size_t>(it - table.names.begin())][row]);
  };
  for (std::size_t row = 0; row < n; ++row)
    rows.push_back({value("task", row), value("stage", row), value("rank", row),
                    row < messages.size() ? messages[row] : std::string()});
  print_aligned(rows, {false, false, false, true}, os);
}

void print_top(const std::filesystem::path& run, const std::string& table, const std::string& column, std::size_t n,
               bool ascending, std::ostream& os) {
  print_top(*RunReader::open(run), run, table, column, n, ascending, os);
}

void print_top(const RunReader& run_reader, const std::filesystem::path& run, const std::string& table,
               const std::string& column, std::size_t n, bool ascending, std::ostream& os) {
  const RunReader* reader = &run_reader;
  if (!reader->has(table)) throw DataError(run.string() + ": no table " + table);
  const View view = load_view(*reader, table);
  const auto& key = view.table.columns[sort_column(view, run, column)];
  std::vector<std::size_t> rows(view.table.rows());
  std::iota(rows.begin(), rows.end(), std::size_t{0});
  std::stable_sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) {
    if (std::isnan(key[a]) || std::isnan(key[b])) return !std::isnan(key[a]) && std::isnan(key[b]);
    return ascending ? key[a] < key[b] : key[a] > key[b];
  });
  if (n != 0 && n < rows.size()) rows.resize(n);

  const auto texts = text_columns(*reader, table, view.table.rows());
  std::vector<std::vector<std::string>> lines{{"rank"}};
  std::vector<bool> left{false};
  for (const auto& [name, values] : texts) {
    lines.front().push_back(name);
    left.push_back(true);
  }
  for (std::size_t c = 0; c < view.order.size(); ++c) {
    lines.front().push_back(view.labels[c]);
    left.push_back(view.table.names[view.order[c]] == "symbol");
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::vector<std::string> line{std::to_string(r + 1)};
    for (const auto& [name, values] : texts) line.push_back(values[rows[r]]);
    for (std::size_t c : view.order) line.push_back(cell(view, c, rows[r], false));
    lines.push_back(std::move(line));
  }
  print_aligned(lines, left, os);
}

void export_csv(const std::filesystem::path& run, const std::string& group, std::ostream& os) {
  const auto reader = RunReader::open(run);
  const std::string path = group.starts_with('/') ? group : "/" + group;
  if (!reader->has(path)) throw DataError(run.string() + ": no table " + path);
  View view = load_view(*reader, path);
  // Text columns of the same length ride along ("/errors/message"); "symbols" is a lookup list.
  std::vector<std::vector<std::string>> texts;
  std::vector<std::string> header = view.labels;
  for (const auto& name : reader->string_datasets(path)) {
    if (name == "symbols") continue;
    auto values = reader->read_strings(path + "/" + name);
    if (values.size() != view.table.rows() && !view.table.names.empty()) continue;
    header.push_back(name);
    texts.push_back(std::move(values));
  }
  for (std::size_t c = 0; c < header.size(); ++c) os << (c ? "," : "") << csv_field(header[c]);
  os << '\n';
  const std::size_t rows = texts.empty() || !view.table.names.empty() ? view.table.rows() : texts.front().size();
  for (std::size_t r = 0; r < rows; ++r) {
    std::string line;
    for (std::size_t c = 0; c < view.order.size(); ++c) {
      if (c) line += ',';
      line += csv_field(cell(view, view.order[c], r, true));
    }
    for (std::size_t t = 0; t < texts.size(); ++t) {
      if (!view.order.empty() || t) line += ',';
      line += csv_field(texts[t][r]);
    }
    os << line << '\n';
  }
}

void print_store_info(const std::filesystem::path& store, std::ostream& os) {
  const std::vector<SymbolInfo> infos = store_info(store);
  std::int64_t total = 0;
  std::vector<std::vector<std::string>> rows{{"symbol", "first", "last", "bars"}};
  for (const SymbolInfo& info : infos) {
    total += info.bars;
    rows.push_back({info.symbol, info.bars ? format_date(info.first) : "-", info.bars ? format_date(info.last) : "-",
                    std::to_string(info.bars)});
  }
  os << store.string() << ": " << infos.size() << " symbols, " << total << " bars\n";
  print_aligned(rows, {true, true, true, false}, os);
  std::string closes_only;
  for (const SymbolInfo& info : infos)
    if ((info.real_fields & (kFieldHigh | kFieldLow)) != (kFieldHigh | kFieldLow))
      closes_only += (closes_only.empty() ? "" : ", ") + info.symbol;
  if (!closes_only.empty()) os << "closes only (open, high, low repeat the close): " << closes_only << "\n";
}

}  // namespace qg::results
