#include "store_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

#include "chunk_read.hpp"
#include "dates.hpp"
#include "qg/core/calendar.hpp"
#include "qg/core/error.hpp"

namespace qg::results {
namespace {

//! Stores with more symbols than this are not listed in an "unknown symbol" message.
constexpr std::size_t kMaxListedSymbols = 20;
//! Selected spans closer than this many rows are read with one call (the rows between are
//! read and dropped): a selection of many symbols costs a few large reads, not one per symbol.
constexpr hsize_t kMaxGapRows = hsize_t{1} << 16;

std::string unknown_symbol(const std::filesystem::path& store, const std::string& name,
                           const std::vector<std::string>& known) {
  std::string message = store.string() + ": unknown symbol '" + name + "'";
  if (known.empty()) return message + "; the store is empty";
  if (known.size() > kMaxListedSymbols)
    return message + "; the store has " + std::to_string(known.size()) + " symbols (see `quantgrid data info`)";
  message += "; the store has ";
  for (std::size_t i = 0; i < known.size(); ++i) message += (i ? ", " : "") + known[i];
  return message;
}

std::string range_text(const DataSelection& selection) {
  const std::string from = selection.start ? format_date(selection.start) : "the first bar";
  const std::string to = selection.end ? format_date(selection.end) : "the last bar";
  return from + " and " + to;
}

int major_of(const std::string& version) {
  int major = 0;
  std::from_chars(version.data(), version.data() + version.size(), major);
  return major;
}

//! A YYYYMMDD that exists in the (proleptic Gregorian) calendar, year 1000 to 9999.
bool is_calendar_date(std::int32_t date) {
  const int year = date / 10000, month = date / 100 % 100, day = date % 100;
  return year >= 1000 && year <= 9999 && is_calendar_day(year, month, day);
}

//! The bars' own rows [lo, hi) within the selection's inclusive date range.
std::pair<std::size_t, std::size_t> date_window(const std::vector<std::int32_t>& dates, const DataSelection& s) {
  const auto lo = s.start ? std::lower_bound(dates.begin(), dates.end(), s.start) : dates.begin();
  const auto hi = s.end ? std::upper_bound(dates.begin(), dates.end(), s.end) : dates.end();
  return {static_cast<std::size_t>(lo - dates.begin()), static_cast<std::size_t>(std::max(lo, hi) - dates.begin())};
}

void check_dates(const std::filesystem::path& store, const std::string& symbol,
                 const std::vector<std::int32_t>& dates) {
  const auto at = [&] { return store.string() + ": symbol '" + symbol + "'"; };
  for (std::size_t i = 0; i < dates.size(); ++i) {
    if (!is_calendar_date(dates[i]))
      throw DataError(at() + ", row " + std::to_string(i) + ": date " + std::to_string(dates[i]) +
                      " is not a calendar date (YYYYMMDD)");
    if (i > 0 && dates[i] <= dates[i - 1])
      throw DataError(at() + ", row " + std::to_string(i) + ": date " + format_date(dates[i]) + " is not after " +
                      format_date(dates[i - 1]) + " (dates must be strictly increasing)");
  }
}

void check_prices(const std::filesystem::path& store, const SymbolBars& bars) {
  const std::vector<double>* columns[] = {&bars.open, &bars.high, &bars.low, &bars.close};
  const char* names[] = {"open", "high", "low", "close"};
  const auto row = [&](std::size_t i) {
    return store.string() + ": symbol '" + bars.symbol + "', row " + std::to_string(i) + " (" +
           format_date(bars.date[i]) + "): ";
  };
  for (std::size_t i = 0; i < bars.size(); ++i) {
    for (int c = 0; c < 4; ++c) {
      const double v = (*columns[c])[i];
      if (!(std::isfinite(v) && v > 0))
        throw DataError(row(i) + names[c] + " " + std::to_string(v) + " is not a positive price");
    }
    if (bars.high[i] < bars.low[i]) throw DataError(row(i) + "high is below low");
    if (!(std::isfinite(bars.volume[i]) && bars.volume[i] >= 0))
      throw DataError(row(i) + "volume is negative or not finite");
  }
}

}  // namespace

void check_symbol_bars(const std::filesystem::path& store, const SymbolBars& bars) {
  const std::size_t n = bars.date.size();
  if (bars.open.size() != n || bars.high.size() != n || bars.low.size() != n || bars.close.size() != n ||
      bars.volume.size() != n)
    throw DataError(store.string() + ": symbol '" + bars.symbol +
                    "': date, open, high, low, close and volume differ in length");
  check_dates(store, bars.symbol, bars.date);
  check_prices(store, bars);
}

StoreReader::StoreReader(std::filesystem::path store) : store_(std::move(store)) {
  h5::QuietErrors quiet;
  file_ = h5::open_file(store_, false);
  h5::Handle root = h5::open_object(file_.get(), "/", store_.string());
  const auto kind = h5::read_string_attribute(root.get(), "kind", store_.string());
  if (!kind || *kind != kStoreKind) throw DataError(store_.string() + ": not a quantgrid market store");
  h5::require_schema(file_.get(), store_, kStoreSchemaMajor, "quantgrid market store");
  version_ = h5::read_string_attribute(root.get(), "schema_version", store_.string()).value_or("");
  major_ = major_of(version_);
  load_index();
}

void StoreReader::load_index() {
  if (h5::exists(file_.get(), "/symbol_order")) {
    h5::Handle order = h5::open_object(file_.get(), "/symbol_order", h5::where(store_, "/symbol_order"));
    names_ = h5::read_strings(order.get(), h5::where(store_, "/symbol_order"));
  }
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (!index_.emplace(names_[i], i).second)
      throw DataError(store_.string() + ": symbol '" + names_[i] + "' is listed twice in /symbol_order");
  if (legacy()) return;
  const auto where = h5::where(store_, "/bars");
  offsets_.resize(names_.size() + 1);
  real_fields_.resize(names_.size());
  h5::Handle offsets = h5::open_object(file_.get(), "/bars/offset", where + "/offset");
  if (h5::length(offsets.get(), where) != offsets_.size())
    throw DataError(where + "/offset: " + std::to_string(offsets_.size()) + " entries expected");
  h5::read_range(offsets.get(), H5T_NATIVE_INT64, 0, offsets_.size(), offsets_.data(), where + "/offset");
  h5::Handle fields = h5::open_object(file_.get(), "/bars/fields", where + "/fields");
  if (h5::length(fields.get(), where) != real_fields_.size())
    throw DataError(where + "/fields: " + std::to_string(real_fields_.size()) + " entries expected");
  h5::read_range(fields.get(), H5T_NATIVE_UINT32, 0, real_fields_.size(), real_fields_.data(), where + "/fields");
  h5::Handle dates = h5::open_object(file_.get(), "/bars/date", where + "/date");
  const auto rows = static_cast<std::int64_t>(h5::length(dates.get(), where + "/date"));
  if (offsets_.front() != 0 || offsets_.back() != rows || !std::is_sorted(offsets_.begin(), offsets_.end()))
    throw DataError(where + "/offset: row offsets do not cover the " + std::to_string(rows) + " rows in order");
}

std::ptrdiff_t StoreReader::find(const std::string& name) const {
  const auto it = index_.find(name);
  return it == index_.end() ? -1 : static_cast<std::ptrdiff_t>(it->second);
}

std::vector<std::size_t> StoreReader::selected(const DataSelection& selection) const {
  std::vector<std::size_t> indices;
  if (selection.symbols.empty()) {
    indices.resize(names_.size());
    std::iota(indices.begin(), indices.end(), std::size_t{0});
    return indices;
  }
  std::vector<bool> taken(names_.size(), false);
  for (const std::string& name : selection.symbols) {
    const std::ptrdiff_t i = find(name);
    if (i < 0) throw DataError(unknown_symbol(store_, name, names_));
    if (taken[static_cast<std::size_t>(i)]) throw DataError(store_.string() + ": symbol '" + name + "' selected twice");
    taken[static_cast<std::size_t>(i)] = true;
    indices.push_back(static_cast<std::size_t>(i));
  }
  return indices;
}

MarketData StoreReader::read(const DataSelection& selection) const {
  h5::QuietErrors quiet;
  const auto indices = selected(selection);
  return legacy() ? read_legacy(indices, selection) : read_columnar(indices, selection);
}

MarketData StoreReader::read_all(const std::vector<std::size_t>& indices) const {
  h5::QuietErrors quiet;
  return legacy() ? read_legacy(indices, {}) : read_columnar(indices, {});
}

template <typename T>
std::vector<std::vector<T>> StoreReader::read_spans(const char* column, hid_t mem_type,
                                                    const std::vector<Span>& spans) const {
  const std::string path = std::string("/bars/") + column;
  const std::string where = h5::where(store_, path);
  h5::Handle dataset = h5::open_object(file_.get(), path, where);
  std::vector<std::size_t> order(spans.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return spans[a].first < spans[b].first; });
  std::vector<std::vector<T>> out(spans.size());
  std::vector<T> buffer;
  for (std::size_t k = 0; k < order.size();) {
    // One read covers the spans from order[k] on while the gaps stay small.
    const hsize_t first = spans[order[k]].first;
    hsize_t end = first + spans[order[k]].count;
    std::size_t last = k + 1;
    for (; last < order.size() && spans[order[last]].first <= end + kMaxGapRows; ++last)
      end = std::max(end, spans[order[last]].first + spans[order[last]].count);
    buffer.resize(end - first);
    if (!h5::read_range_decoding_chunks(dataset.get(), mem_type, first, end - first, buffer.data(), where))
      h5::read_range(dataset.get(), mem_type, first, end - first, buffer.data(), where);
    for (; k < last; ++k) {
      const Span& s = spans[order[k]];
      out[order[k]].assign(buffer.begin() + static_cast<std::ptrdiff_t>(s.first - first),
                           buffer.begin() + static_cast<std::ptrdiff_t>(s.first - first + s.count));
    }
  }
  return out;
}

MarketData StoreReader::read_columnar(const std::vector<std::size_t>& indices, const DataSelection& selection) const {
  std::vector<Span> spans;
  for (std::size_t i : indices)
    spans.push_back(Span{static_cast<hsize_t>(offsets_[i]), static_cast<hsize_t>(offsets_[i + 1] - offsets_[i])});
  auto dates = read_spans<std::int32_t>("date", H5T_NATIVE_INT32, spans);
  MarketData data;
  data.symbols.resize(indices.size());
  for (std::size_t k = 0; k < indices.size(); ++k) {
    SymbolBars& bars = data.symbols[k];
    bars.symbol = names_[indices[k]];
    bars.real_fields = real_fields_[indices[k]];
    check_dates(store_, bars.symbol, dates[k]);
    const auto [lo, hi] = date_window(dates[k], selection);
    if (lo >= hi)
      throw DataError(store_.string() + ": symbol '" + bars.symbol + "' has no bars between " + range_text(selection));
    bars.date.assign(dates[k].begin() + static_cast<std::ptrdiff_t>(lo),
                     dates[k].begin() + static_cast<std::ptrdiff_t>(hi));
    spans[k] = Span{spans[k].first + lo, hi - lo};
  }
  std::vector<double> SymbolBars::*columns[] = {&SymbolBars::open, &SymbolBars::high, &SymbolBars::low,
                                                &SymbolBars::close, &SymbolBars::volume};
  const char* names[] = {"open", "high", "low", "close", "volume"};
  for (int c = 0; c < 5; ++c) {
    auto values = read_spans<double>(names[c], H5T_NATIVE_DOUBLE, spans);
    for (std::size_t k = 0; k < indices.size(); ++k) data.symbols[k].*columns[c] = std::move(values[k]);
  }
  for (const SymbolBars& bars : data.symbols) check_symbol_bars(store_, bars);
  return data;
}

MarketData StoreReader::read_legacy(const std::vector<std::size_t>& indices, const DataSelection& selection) const {
  MarketData data;
  for (std::size_t i : indices) {
    const std::string group = "/symbols/" + names_[i];
    const std::string where = h5::where(store_, group);
    h5::Handle date = h5::open_object(file_.get(), group + "/date", where + "/date");
    std::vector<std::int32_t> dates(h5::length(date.get(), where + "/date"));
    h5::read_range(date.get(), H5T_NATIVE_INT32, 0, dates.size(), dates.data(), where + "/date");
    check_dates(store_, names_[i], dates);
    const auto [lo, hi] = date_window(dates, selection);
    if (lo >= hi)
      throw DataError(store_.string() + ": symbol '" + names_[i] + "' has no bars between " + range_text(selection));
    SymbolBars bars;
    bars.symbol = names_[i];
    bars.date.assign(dates.begin() + static_cast<std::ptrdiff_t>(lo), dates.begin() + static_cast<std::ptrdiff_t>(hi));
    std::vector<double> SymbolBars::*columns[] = {&SymbolBars::open, &SymbolBars::high, &SymbolBars::low,
                                                  &SymbolBars::close, &SymbolBars::volume};
    const char* names[] = {"open", "high", "low", "close", "volume"};
    for (int c = 0; c < 5; ++c) {
      h5::Handle dataset = h5::open_object(file_.get(), group + "/" + names[c], where + "/" + names[c]);
      (bars.*columns[c]).resize(hi - lo);
      h5::read_range(dataset.get(), H5T_NATIVE_DOUBLE, lo, hi - lo, (bars.*columns[c]).data(), where + "/" + names[c]);
    }
    check_symbol_bars(store_, bars);
    data.symbols.push_back(std::move(bars));
  }
  return data;
}

std::vector<SymbolInfo> StoreReader::info() const {
  h5::QuietErrors quiet;
  std::vector<SymbolInfo> infos;
  std::vector<std::int32_t> all;
  if (!legacy()) {
    h5::Handle dates = h5::open_object(file_.get(), "/bars/date", h5::where(store_, "/bars/date"));
    all.resize(static_cast<std::size_t>(offsets_.back()));
    h5::read_range(dates.get(), H5T_NATIVE_INT32, 0, all.size(), all.data(), h5::where(store_, "/bars/date"));
  }
  for (std::size_t i = 0; i < names_.size(); ++i) {
    SymbolInfo info{names_[i], 0, 0, 0};
    if (legacy()) {
      const std::string where = h5::where(store_, "/symbols/" + names_[i] + "/date");
      h5::Handle dates = h5::open_object(file_.get(), "/symbols/" + names_[i] + "/date", where);
      info.bars = static_cast<std::int64_t>(h5::length(dates.get(), where));
      if (info.bars > 0) {
        h5::read_range(dates.get(), H5T_NATIVE_INT32, 0, 1, &info.first, where);
        h5::read_range(dates.get(), H5T_NATIVE_INT32, static_cast<hsize_t>(info.bars - 1), 1, &info.last, where);
      }
    } else {
      info.bars = offsets_[i + 1] - offsets_[i];
      info.real_fields = real_fields_[i];
      if (info.bars > 0) {
        info.first = all[static_cast<std::size_t>(offsets_[i])];
        info.last = all[static_cast<std::size_t>(offsets_[i + 1] - 1)];
      }
    }
    infos.push_back(info);
  }
  return infos;
}

std::uint64_t StoreReader::selected_rows(const DataSelection& selection) const {
  if (legacy()) return 0;
  std::uint64_t rows = 0;
  for (std::size_t i : selected(selection)) rows += static_cast<std::uint64_t>(offsets_[i + 1] - offsets_[i]);
  return rows;
}

std::vector<StoreSymbol> StoreReader::index(const DataSelection& selection) const {
  h5::QuietErrors quiet;
  if (legacy())
    throw DataError(store_.string() + ": schema " + version_ +
                    " has no row offsets to read symbols from; run `quantgrid data upgrade` on it");
  const auto indices = selected(selection);
  std::vector<Span> spans;
  for (std::size_t i : indices)
    spans.push_back(Span{static_cast<hsize_t>(offsets_[i]), static_cast<hsize_t>(offsets_[i + 1] - offsets_[i])});
  const auto dates = read_spans<std::int32_t>("date", H5T_NATIVE_INT32, spans);
  std::vector<StoreSymbol> out;
  out.reserve(indices.size());
  for (std::size_t k = 0; k < indices.size(); ++k) {
    const std::string& name = names_[indices[k]];
    check_dates(store_, name, dates[k]);
    const auto [lo, hi] = date_window(dates[k], selection);
    if (lo >= hi)
      throw DataError(store_.string() + ": symbol '" + name + "' has no bars between " + range_text(selection));
    out.push_back(StoreSymbol{name, static_cast<std::int64_t>(spans[k].first + lo), static_cast<std::int64_t>(hi - lo),
                              real_fields_[indices[k]]});
  }
  return out;
}

void StoreReader::check_index(const std::vector<StoreSymbol>& symbols) const {
  for (const StoreSymbol& s : symbols) {
    const std::ptrdiff_t i = legacy() ? -1 : find(s.symbol);
    const auto at = static_cast<std::size_t>(std::max<std::ptrdiff_t>(i, 0));
    if (i < 0 || s.rows <= 0 || s.first_row < offsets_[at] || s.first_row + s.rows > offsets_[at + 1])
      throw DataError(store_.string() + ": symbol '" + s.symbol + "' is not at rows " + std::to_string(s.first_row) +
                      ".." + std::to_string(s.first_row + s.rows - 1) +
                      " in this store, where the coordinator's index put it: not the same store");
  }
}

SymbolBars StoreReader::read_rows(const StoreSymbol& symbol) const {
  h5::QuietErrors quiet;
  const auto first = static_cast<hsize_t>(symbol.first_row), n = static_cast<hsize_t>(symbol.rows);
  SymbolBars bars;
  bars.symbol = symbol.symbol;
  bars.real_fields = symbol.real_fields;
  bars.date.resize(n);
  {
    h5::Handle dataset = h5::open_object(file_.get(), "/bars/date", h5::where(store_, "/bars/date"));
    h5::read_range(dataset.get(), H5T_NATIVE_INT32, first, n, bars.date.data(), h5::where(store_, "/bars/date"));
  }
  std::vector<double> SymbolBars::*columns[] = {&SymbolBars::open, &SymbolBars::high, &SymbolBars::low,
                                                &SymbolBars::close, &SymbolBars::volume};
  const char* names[] = {"open", "high", "low", "close", "volume"};
  for (int c = 0; c < 5; ++c) {
    const std::string path = std::string("/bars/") + names[c];
    h5::Handle dataset = h5::open_object(file_.get(), path, h5::where(store_, path));
    (bars.*columns[c]).resize(n);
    h5::read_range(dataset.get(), H5T_NATIVE_DOUBLE, first, n, (bars.*columns[c]).data(), h5::where(store_, path));
  }
  check_symbol_bars(store_, bars);
  return bars;
}

}  // namespace qg::results
