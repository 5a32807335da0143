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
#include "qg/core/error.hpp"
#include "qg/results/market_store.hpp"
#include "qg/results/run_file.hpp"

namespace qg::results {

namespace {

//! Groups whose table print_top and export use, first present wins.
constexpr const char* kJobGroups[] = {"/sweep", "/walkforward", "/model"};
//! Groups print_summary reports on, when present.
constexpr const char* kSummaryGroups[] = {"/sweep", "/walkforward", "/var", "/model"};

// ---- loading ----

//! A job table with its columns in display order and the symbol names it refers to.
struct View {
  std::string group;
  Table table;
  std::vector<std::size_t> order;   // indices into table.names
  std::vector<std::string> labels;  // parallel to order
  std::vector<std::string> symbols;
};

std::string job_group(const RunReader& reader, const std::filesystem::path& run) {
  for (const char* group : kJobGroups)
    if (reader.has(group)) return group;
  throw DataError(run.string() + ": no /sweep, /walkforward or /model table");
}

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

// ---- formatting ----

std::string format(const char* spec, double value) {
  char text[40];
  std::snprintf(text, sizeof text, spec, value);
  return text;
}

//! Short form for terminal tables: integers exactly, others with 6 significant digits.
std::string short_number(double value) {
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15) return format("%.0f", value);
  return format("%.6g", value);
}

std::string cell(const View& view, std::size_t column, std::size_t row, bool full_precision) {
  const double value = view.table.columns[column][row];
  if (view.table.names[column] == "symbol" && value >= 0 && value < static_cast<double>(view.symbols.size()))
    return view.symbols[static_cast<std::size_t>(value)];
  return full_precision ? format("%.17g", value) : short_number(value);
}

//! Prints rows of text cells with every column padded to its widest cell.
void print_aligned(const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& left, std::ostream& os) {
  std::vector<std::size_t> widths(rows.front().size(), 0);
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(widths[c] - row[c].size(), ' ');
      if (c) line += "  ";
      line += left[c] ? row[c] + pad : pad + row[c];
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    os << line << '\n';
  }
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

// ---- summary parts ----

void print_provenance(const RunReader& reader, const std::filesystem::path& run, std::ostream& os) {
  static const std::pair<const char*, const char*> kFields[] = {
      {"job kind", "job_kind"},         {"job name", "job_name"},       {"tool version", "tool_version"},
      {"git commit", "git_commit"},     {"schema", "schema_version"},   {"spec file", "spec_path"},
      {"spec sha256", "spec_sha256"},   {"data file", "data_file"},     {"data sha256", "data_sha256"},
      {"seed", "seed"},                 {"ranks", "ranks"},             {"threads", "threads"},
      {"start time", "start_time"},     {"end time", "end_time"},       {"elapsed s", "elapsed_seconds"},
      {"failed tasks", "failed_tasks"}};
  std::vector<std::vector<std::string>> rows{{"run", run.string()}};
  const auto present = reader.attribute_names("/");
  for (const auto& [label, attribute] : kFields) {
    if (std::find(present.begin(), present.end(), attribute) == present.end()) continue;
    const bool seconds = std::string_view(attribute) == "elapsed_seconds";
    rows.push_back({label, seconds ? format("%.3f", reader.double_attribute("/", attribute))
                                   : reader.attribute_text("/", attribute)});
  }
  print_aligned(rows, {true, true}, os);
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
    rows.push_back({metric, format("%.6g", *lo), format("%.6g", median_of(values)), format("%.6g", *hi),
                    std::to_string(nans)});
  }
  if (rows.size() > 1) print_aligned(rows, {true, false, false, false, false}, os);
}

void print_group(const RunReader& reader, const std::string& group, std::ostream& os) {
  const Table table = reader.read_table(group);
  os << "\n" << group << ": " << table.rows() << " rows\n";
  for (const auto& name : reader.attribute_names(group))
    os << "  " << name << " = " << reader.attribute_text(group, name) << '\n';
  print_metric_stats(table, os);
}

// ---- /var ----

//! Strings of `dataset`, or `n` empty strings when absent.
std::vector<std::string> strings_or_blank(const RunReader& reader, const std::string& dataset, std::size_t n) {
  return reader.has(dataset) ? reader.read_strings(dataset) : std::vector<std::string>(n);
}

void print_var_attributes(const RunReader& reader, std::ostream& os) {
  os << "\n/var: " << reader.attribute_text("/var", "scenarios") << " scenarios in "
     << reader.attribute_text("/var", "batches") << " batches of " << reader.attribute_text("/var", "batch") << ", "
     << reader.attribute_text("/var", "distribution") << " shocks";
  if (reader.attribute_text("/var", "distribution") == "student_t") os << " (nu " << reader.attribute_text("/var", "nu") << ")";
  os << ", " << reader.attribute_text("/var", "covariance") << " covariance, mean " << reader.attribute_text("/var", "mean")
     << ", window " << reader.attribute_text("/var", "window") << " returns to " << reader.attribute_text("/var", "window_end")
     << ", horizon " << reader.attribute_text("/var", "horizon_days") << " day(s); standard errors by "
     << reader.attribute_text("/var", "se_method") << '\n';
}

void print_var_summary(const RunReader& reader, std::ostream& os) {
  const Table t = reader.read_table("/var/summary");
  const auto methods = strings_or_blank(reader, "/var/summary/method_name", t.rows());
  std::vector<std::vector<std::string>> rows{{"method", "confidence", "VaR", "ES", "VaR se", "ES se"}};
  for (std::size_t r = 0; r < t.rows(); ++r)
    rows.push_back({methods[r], format("%.4g", t.column("confidence")[r]), format("%.6g", t.column("var")[r]),
                    format("%.6g", t.column("es")[r]), format("%.3g", t.column("var_se")[r]),
                    format("%.3g", t.column("es_se")[r])});
  os << "\nVaR and ES (losses positive, in the portfolio's currency):\n";
  print_aligned(rows, {true, false, false, false, false, false}, os);
}

//! Components at the highest confidence level, Monte Carlo first, the largest 20 positions.
void print_var_components(const RunReader& reader, std::ostream& os) {
  const Table t = reader.read_table("/var/components");
  if (t.rows() == 0) return;
  const auto methods = strings_or_blank(reader, "/var/components/method_name", t.rows());
  const auto positions = strings_or_blank(reader, "/var/components/position_name", t.rows());
  const auto& level = t.column("confidence");
  const double top = *std::max_element(level.begin(), level.end());
  std::vector<std::size_t> picked;
  for (std::size_t r = 0; r < t.rows(); ++r)
    if (level[r] == top && methods[r] == "monte_carlo") picked.push_back(r);
  const auto& cvar = t.column("component_var");
  std::stable_sort(picked.begin(), picked.end(), [&](std::size_t a, std::size_t b) { return std::fabs(cvar[a]) > std::fabs(cvar[b]); });
  const std::size_t shown = std::min<std::size_t>(picked.size(), 20);
  std::vector<std::vector<std::string>> rows{{"position", "component VaR", "component ES", "marginal VaR", "incremental VaR"}};
  for (std::size_t i = 0; i < shown; ++i) {
    const std::size_t r = picked[i];
    rows.push_back({positions[r], format("%.6g", cvar[r]), format("%.6g", t.column("component_es")[r]),
                    format("%.6g", t.column("marginal_var")[r]), format("%.6g", t.column("incremental_var")[r])});
  }
  os << "\ncomponents (Euler, monte_carlo, confidence " << format("%.4g", top) << "):\n";
  print_aligned(rows, {true, false, false, false, false}, os);
  if (picked.size() > shown) os << "  ... " << picked.size() - shown << " more positions (quantgrid results export --group /var/components)\n";
}

void print_var_backtest(const RunReader& reader, std::ostream& os) {
  if (!reader.has("/var/backtest")) return;
  const Table t = reader.read_table("/var/backtest");
  const auto zones = strings_or_blank(reader, "/var/backtest/zone_name", t.rows());
  std::vector<std::vector<std::string>> rows{
      {"confidence", "days", "exceptions", "expected", "Kupiec p", "independence p", "cond. coverage p", "zone"}};
  for (std::size_t r = 0; r < t.rows(); ++r)
    rows.push_back({format("%.4g", t.column("confidence")[r]), short_number(t.column("observations")[r]),
                    short_number(t.column("exceptions")[r]), format("%.1f", t.column("expected")[r]),
                    format("%.3g", t.column("kupiec_p")[r]), format("%.3g", t.column("independence_p")[r]),
                    format("%.3g", t.column("cc_p")[r]), zones[r]});
  os << "\nbacktest (" << reader.attribute_text("/var", "backtest_method") << " VaR over the previous "
     << reader.attribute_text("/var", "backtest_window") << " days):\n";
  print_aligned(rows, {false, false, false, false, false, false, false, true}, os);
}

void print_var_stress(const RunReader& reader, std::ostream& os) {
  if (!reader.has("/var/stress")) return;
  const Table t = reader.read_table("/var/stress");
  const auto names = strings_or_blank(reader, "/var/stress/name", t.rows());
  std::vector<std::vector<std::string>> rows{{"scenario", "P&L", "loss"}};
  for (std::size_t r = 0; r < t.rows(); ++r)
    rows.push_back({names[r], format("%.6g", t.column("pnl")[r]), format("%.6g", t.column("loss")[r])});
  os << "\nstress scenarios (full revaluation):\n";
  print_aligned(rows, {true, false, false}, os);
}

void print_var(const RunReader& reader, std::ostream& os) {
  print_var_attributes(reader, os);
  print_var_summary(reader, os);
  print_var_components(reader, os);
  print_var_backtest(reader, os);
  print_var_stress(reader, os);
}

void print_errors(const RunReader& reader, std::ostream& os) {
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

}  // namespace

void print_top(const std::filesystem::path& run, const std::string& metric, std::size_t n, bool ascending,
               std::ostream& os) {
  const auto reader = RunReader::open(run);
  const View view = load_view(*reader, job_group(*reader, run));
  const auto& names = view.table.names;
  const auto key_it = std::find(names.begin(), names.end(), "metrics/" + metric);
  if (key_it == names.end()) {
    std::string available;
    for (const auto& name : metric_names(view.table)) available += (available.empty() ? "" : ", ") + name;
    throw DataError(run.string() + ":" + view.group + ": unknown metric '" + metric + "'; available: " +
                    (available.empty() ? "none" : available));
  }
  const auto& key = view.table.columns[static_cast<std::size_t>(key_it - names.begin())];
  std::vector<std::size_t> rows(view.table.rows());
  std::iota(rows.begin(), rows.end(), std::size_t{0});
  std::stable_sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) {
    if (std::isnan(key[a]) || std::isnan(key[b])) return !std::isnan(key[a]) && std::isnan(key[b]);
    return ascending ? key[a] < key[b] : key[a] > key[b];
  });
  if (n != 0 && n < rows.size()) rows.resize(n);

  std::vector<std::vector<std::string>> lines{{"rank"}};
  std::vector<bool> left{false};
  for (std::size_t c = 0; c < view.order.size(); ++c) {
    lines.front().push_back(view.labels[c]);
    left.push_back(names[view.order[c]] == "symbol");
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::vector<std::string> line{std::to_string(r + 1)};
    for (std::size_t column : view.order) line.push_back(cell(view, column, rows[r], false));
    lines.push_back(std::move(line));
  }
  print_aligned(lines, left, os);
}

void print_summary(const std::filesystem::path& run, std::ostream& os) {
  const auto reader = RunReader::open(run);
  print_provenance(*reader, run, os);
  for (const char* group : kSummaryGroups) {
    if (!reader->has(group)) continue;
    if (std::string_view(group) == "/var") print_var(*reader, os);  // several tables, not one
    else print_group(*reader, group, os);
  }
  if (reader->has("/errors")) print_errors(*reader, os);
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
}

}  // namespace qg::results
