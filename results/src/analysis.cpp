// Reports over run files and stores. Column naming (shared with the Python reader): a
// column is shown by its last path component ("params/fast" -> "fast") unless two shown
// columns would then collide, in which case both keep their full name (table_view.hpp).
// `results top` is in top_rows.cpp.
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
#include "table_view.hpp"

namespace qg::results {

using namespace detail;

namespace {

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

//! min, median, max and NaN count of each metric of `group`, whose column names `header`
//! holds: one column in memory at a time, however many columns the table has.
void print_metric_stats(const RunReader& reader, const std::string& group, const Table& header, std::ostream& os) {
  std::vector<std::vector<std::string>> rows{{"metric", "min", "median", "max", "nan"}};
  for (const auto& metric : metric_names(header)) {
    std::vector<double> values = reader.read_column(group + "/metrics/" + metric);
    const std::size_t total = values.size();
    std::erase_if(values, [](double v) { return std::isnan(v); });
    const std::size_t nans = total - values.size();
    if (values.empty()) {
      rows.push_back({metric, "-", "-", "-", std::to_string(nans)});
      continue;
    }
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    const double low = *lo, high = *hi;
    rows.push_back({metric, format_number("%.6g", low), format_number("%.6g", median_of(std::move(values))),
                    format_number("%.6g", high), std::to_string(nans)});
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
  const Table header = reader.read_table_rows(group, 0, 0);  // the column names only
  const std::size_t rows = header.names.empty() ? 0 : reader.read_column(group + "/" + header.names.front()).size();
  os << "\n" << group << ": " << rows << " rows\n";
  for (const auto& name : reader.attribute_names(group))
    os << "  " << name << " = " << reader.attribute_text(group, name) << '\n';
  print_metric_stats(reader, group, header, os);
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
