// CSV import: streams a CSV file line by line into a new version of the store. Three layouts
// are recognised from the header (docs/hdf5-schema.md); the first bad row throws
// DataError "FILE:LINE: what" and the store is left as it was.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <cstdio>
#include <optional>
#include <span>
#include <unordered_map>

#include "dates.hpp"
#include "qg/core/error.hpp"
#include "qg/results/market_store.hpp"
#include "store_writer.hpp"
#include "symbol_name.hpp"

namespace qg::results {

namespace {

enum class Layout : std::uint8_t { kOhlcv, kWide, kLong };

constexpr const char* kOhlcvColumns[] = {"date", "open", "high", "low", "close"};
constexpr const char* kLongColumns[] = {"date", "symbol", "open", "high", "low", "close"};

// ---- text helpers ----

std::string trim(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  text = text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
  return std::string(text);
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    fields.push_back(trim(std::string_view(line).substr(start, comma - start)));
    if (comma == std::string::npos) return fields;
    start = comma + 1;
  }
}

//! A number for a message: as short as it reads ("9.5", "1e-07").
std::string show(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", value);
  return text;
}

std::optional<double> parse_number(const std::string& text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// ---- header ----

//! The recognised header: where each field goes.
struct Header {
  Layout layout = Layout::kOhlcv;
  std::size_t fields = 0;
  std::unordered_map<std::string, std::size_t> index;  // lowercase column -> field
  std::vector<std::string> wide_symbols;               // wide: symbol of field i (field 0 is the date)
};

class Importer {
 public:
  Importer(const std::filesystem::path& csv, const std::filesystem::path& store, const CsvImportOptions& options)
      : csv_(csv), options_(options), in_(open_csv(csv)), writer_(store, options.existing) {}

  std::vector<ImportedSymbol> run();

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw DataError(csv_.string() + ":" + std::to_string(line_number_) + ": " + what);
  }
  bool next_line(std::vector<std::string>& fields);
  bool read_line(std::string& line);
  std::uint32_t real_fields() const;
  void read_header(const std::vector<std::string>& fields);
  void require_columns(const std::vector<std::string>& names, std::span<const char* const> required);
  void import_row(const std::vector<std::string>& fields);
  double number(const std::vector<std::string>& fields, const char* column);
  std::size_t symbol_index(const std::string& name);
  void add_bar(std::size_t symbol, const Bar& bar);

  static std::ifstream open_csv(const std::filesystem::path& csv) {
    std::ifstream in(csv, std::ios::binary);
    if (!in) throw IoError(csv.string() + ": cannot open for reading");
    return in;
  }

  std::filesystem::path csv_;
  CsvImportOptions options_;
  std::ifstream in_;  // opened before writer_ exists, so a missing CSV never touches the store
  StoreWriter writer_;
  std::size_t line_number_ = 0;
  Header header_;
  std::unordered_map<std::string, std::size_t> symbols_;
  std::vector<std::int64_t> skipped_;  // per writer symbol: rows kept out under kAppend
};

bool Importer::read_line(std::string& line) {
  // Reads up to '\n' without ever holding more than kMaxCsvLineBytes of it.
  line.clear();
  std::streambuf* buffer = in_.rdbuf();
  bool any = false;
  for (int c = buffer->sbumpc(); c != std::char_traits<char>::eof(); c = buffer->sbumpc()) {
    any = true;
    if (c == '\n') return true;
    if (line.size() == kMaxCsvLineBytes) {
      ++line_number_;
      fail("line is longer than " + std::to_string(kMaxCsvLineBytes) + " bytes; it starts " + quote_start(line));
    }
    line.push_back(static_cast<char>(c));
  }
  return any;
}

bool Importer::next_line(std::vector<std::string>& fields) {
  std::string line;
  while (read_line(line)) {
    ++line_number_;
    if (line_number_ == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);  // UTF-8 byte order mark
    if (trim(line).empty()) continue;
    fields = split(line);
    return true;
  }
  if (in_.bad()) throw IoError(csv_.string() + ": read error");
  return false;
}

void Importer::require_columns(const std::vector<std::string>& names, std::span<const char* const> required) {
  std::string missing;
  for (const char* column : required)
    if (!header_.index.contains(column)) missing += (missing.empty() ? "" : ", ") + std::string(column);
  if (!missing.empty()) fail("missing required column(s): " + missing);
  for (const std::string& name : names) {
    const bool known = name == "volume" || std::find_if(required.begin(), required.end(),
                                                        [&](const char* c) { return name == c; }) != required.end();
    if (!known) {
      std::string expected;
      for (const char* column : required) expected += std::string(column) + ", ";
      fail("unknown column " + quote_start(name) + " (expected " + expected + "and optionally volume)");
    }
  }
}

void Importer::read_header(const std::vector<std::string>& fields) {
  std::vector<std::string> names;
  for (const std::string& field : fields) names.push_back(lower(field));
  header_.fields = fields.size();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (!header_.index.emplace(names[i], i).second) fail("column " + quote_start(fields[i]) + " appears twice");
  auto has = [&](const char* column) { return header_.index.contains(column); };
  if (has("symbol")) {
    header_.layout = Layout::kLong;
    require_columns(names, kLongColumns);
  } else if (has("open") || has("high") || has("low") || has("close") || has("volume")) {
    header_.layout = Layout::kOhlcv;
    require_columns(names, kOhlcvColumns);
  } else {
    header_.layout = Layout::kWide;
    if (!has("date") || names.front() != "date") fail("missing required column(s): date (must be the first column)");
    if (fields.size() < 2) fail("no symbol columns after date");
    header_.wide_symbols = fields;
    for (std::size_t i = 1; i < fields.size(); ++i)
      if (const std::string problem = symbol_name_problem(fields[i]); !problem.empty()) fail(problem);
  }
}

double Importer::number(const std::vector<std::string>& fields, const char* column) {
  const auto it = header_.index.find(column);
  if (it == header_.index.end()) return 0;  // optional volume
  const std::string& text = fields[it->second];
  if (text.empty() && std::string_view(column) == "volume") return 0;
  const auto value = parse_number(text);
  if (!value) fail("unparsable number " + quote_start(text) + " in column " + column);
  return *value;
}

std::size_t Importer::symbol_index(const std::string& name) {
  if (const auto it = symbols_.find(name); it != symbols_.end()) return it->second;
  if (const std::string problem = symbol_name_problem(name); !problem.empty()) fail(problem);
  std::size_t index = 0;
  try {
    index = writer_.add_symbol(name, real_fields());
  } catch (const DataError& e) {
    fail(e.what());  // with the line that brought the symbol
  }
  symbols_.emplace(name, index);
  skipped_.push_back(0);
  return index;
}

std::uint32_t Importer::real_fields() const {
  if (header_.layout == Layout::kWide) return kCloseOnly;
  return header_.index.contains("volume") ? kAllBarFields : kAllBarFields & ~std::uint32_t{kFieldVolume};
}

void Importer::add_bar(std::size_t symbol, const Bar& bar) {
  const char* names[] = {"open", "high", "low", "close"};
  const double prices[] = {bar.open, bar.high, bar.low, bar.close};
  for (int i = 0; i < 4; ++i) {
    if (!std::isfinite(prices[i])) fail(std::string("non-finite ") + names[i] + " price");
    if (prices[i] <= 0) fail(std::string("non-positive ") + names[i] + " price " + show(prices[i]));
  }
  if (bar.high < bar.low) fail("high " + show(bar.high) + " is below low " + show(bar.low));
  if (!std::isfinite(bar.volume)) fail("non-finite volume");
  if (bar.volume < 0) fail("negative volume " + show(bar.volume));
  if (bar.date <= writer_.kept_until(symbol) && writer_.info(symbol).bars == 0) {
    ++skipped_[symbol];  // --append: the store has this date already
    return;
  }
  const SymbolInfo& info = writer_.info(symbol);
  if (info.bars > 0 && bar.date == info.last)
    fail("duplicate date " + format_date(bar.date) + " for symbol " + info.symbol);
  if (info.bars > 0 && bar.date < info.last)
    fail("date " + format_date(bar.date) + " is before the previous date " + format_date(info.last) + " of symbol " +
         info.symbol + " (dates must be strictly increasing)");
  writer_.append(symbol, bar);
}

void Importer::import_row(const std::vector<std::string>& fields) {
  if (fields.size() != header_.fields)
    fail("expected " + std::to_string(header_.fields) + " fields, found " + std::to_string(fields.size()));
  const std::string& date_text = fields[header_.index.at("date")];
  const auto date = parse_date(date_text);
  if (!date) fail("unparsable date " + quote_start(date_text) + " (expected YYYY-MM-DD or YYYYMMDD)");
  if (header_.layout == Layout::kWide) {
    for (std::size_t i = 1; i < fields.size(); ++i) {
      if (fields[i].empty()) continue;  // no close for this symbol on this date
      const auto close = parse_number(fields[i]);
      if (!close) fail("unparsable number " + quote_start(fields[i]) + " in column " + header_.wide_symbols[i]);
      add_bar(symbol_index(header_.wide_symbols[i]), Bar{*date, *close, *close, *close, *close, 0});
    }
    return;
  }
  const Bar bar{*date,
                number(fields, "open"),
                number(fields, "high"),
                number(fields, "low"),
                number(fields, "close"),
                number(fields, "volume")};
  const std::string name = header_.layout == Layout::kLong ? fields[header_.index.at("symbol")]
                           : options_.symbol.empty()       ? csv_.stem().string()
                                                           : options_.symbol;
  add_bar(symbol_index(name), bar);
}

std::vector<ImportedSymbol> Importer::run() {
  std::vector<std::string> fields;
  if (!next_line(fields)) {
    line_number_ = 1;
    fail("empty file");
  }
  read_header(fields);
  while (next_line(fields)) import_row(fields);
  if (symbols_.empty()) {
    ++line_number_;
    fail("no data rows after the header");
  }
  writer_.commit();
  std::vector<ImportedSymbol> imported;
  for (std::size_t i = 0; i < skipped_.size(); ++i)
    imported.push_back(ImportedSymbol{writer_.info(i), skipped_[i], writer_.existed(i)});
  return imported;
}

}  // namespace

std::vector<ImportedSymbol> import_csv(const std::filesystem::path& csv, const std::filesystem::path& store,
                                       const CsvImportOptions& options) {
  Importer importer(csv, store, options);
  return importer.run();
}

}  // namespace qg::results
