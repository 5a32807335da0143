// The market-data store: reading a selection, listing, and atomic writes (docs/hdf5-schema.md).
#include "qg/results/market_store.hpp"

#include <algorithm>

#include "dates.hpp"
#include "h5.hpp"
#include "qg/core/error.hpp"
#include "qg/results/run_file.hpp"
#include "qg/core/sha256.hpp"
#include "store_writer.hpp"

namespace qg::results {

namespace {

//! Stores with more symbols than this are not listed in an "unknown symbol" message.
constexpr std::size_t kMaxListedSymbols = 20;

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

std::vector<std::string> selected_names(const std::filesystem::path& store, const DataSelection& selection,
                                        const std::vector<std::string>& order) {
  if (selection.symbols.empty()) return order;
  for (std::size_t i = 0; i < selection.symbols.size(); ++i) {
    const std::string& name = selection.symbols[i];
    if (std::find(order.begin(), order.end(), name) == order.end()) throw DataError(unknown_symbol(store, name, order));
    if (std::find(selection.symbols.begin(), selection.symbols.begin() + static_cast<std::ptrdiff_t>(i), name) !=
        selection.symbols.begin() + static_cast<std::ptrdiff_t>(i))
      throw DataError(store.string() + ": symbol '" + name + "' selected twice");
  }
  return selection.symbols;
}

std::vector<double> read_column(hid_t group, const char* name, hsize_t first, hsize_t n, const std::string& where) {
  h5::Handle dataset(h5::check(H5Dopen2(group, name, H5P_DEFAULT), where, std::string("cannot open ") + name));
  std::vector<double> values(n);
  h5::read_range(dataset.get(), H5T_NATIVE_DOUBLE, first, n, values.data(), where + "/" + name);
  return values;
}

std::vector<std::int32_t> read_dates(hid_t group, const std::string& where) {
  h5::Handle dataset(h5::check(H5Dopen2(group, "date", H5P_DEFAULT), where, "cannot open date"));
  std::vector<std::int32_t> dates(h5::length(dataset.get(), where + "/date"));
  h5::read_range(dataset.get(), H5T_NATIVE_INT32, 0, dates.size(), dates.data(), where + "/date");
  return dates;
}

SymbolBars read_symbol(hid_t file, const std::filesystem::path& store, const std::string& name,
                       const DataSelection& selection) {
  const std::string where = h5::where(store, "/symbols/" + name);
  h5::Handle group = h5::open_object(file, "/symbols/" + name, where);
  std::vector<std::int32_t> dates = read_dates(group.get(), where);
  const auto lo = selection.start ? std::lower_bound(dates.begin(), dates.end(), selection.start) : dates.begin();
  const auto hi = selection.end ? std::upper_bound(dates.begin(), dates.end(), selection.end) : dates.end();
  if (lo >= hi)
    throw DataError(store.string() + ": symbol '" + name + "' has no bars between " + range_text(selection));
  const auto first = static_cast<hsize_t>(lo - dates.begin());
  const auto n = static_cast<hsize_t>(hi - lo);
  SymbolBars bars;
  bars.symbol = name;
  bars.date.assign(lo, hi);
  bars.open = read_column(group.get(), "open", first, n, where);
  bars.high = read_column(group.get(), "high", first, n, where);
  bars.low = read_column(group.get(), "low", first, n, where);
  bars.close = read_column(group.get(), "close", first, n, where);
  bars.volume = read_column(group.get(), "volume", first, n, where);
  return bars;
}

//! DataError unless the symbol's columns agree in length and its dates strictly increase.
void validate_symbol(const std::filesystem::path& store, const SymbolBars& bars) {
  const std::size_t n = bars.date.size();
  const std::string at = store.string() + ": symbol '" + bars.symbol + "'";
  if (bars.open.size() != n || bars.high.size() != n || bars.low.size() != n || bars.close.size() != n ||
      bars.volume.size() != n)
    throw DataError(at + ": date, open, high, low, close and volume differ in length");
  for (std::size_t i = 1; i < n; ++i)
    if (bars.date[i] <= bars.date[i - 1])
      throw DataError(at + ": date " + format_date(bars.date[i]) + " at bar " + std::to_string(i) + " is not after " +
                      format_date(bars.date[i - 1]));
}

}  // namespace

MarketData read_store(const std::filesystem::path& store, const DataSelection& selection) {
  h5::QuietErrors quiet;
  h5::Handle file = open_store(store);
  const std::vector<std::string> order = store_symbols(file.get(), store);
  MarketData data;
  for (const std::string& name : selected_names(store, selection, order))
    data.symbols.push_back(read_symbol(file.get(), store, name, selection));
  return data;
}

std::vector<SymbolInfo> store_info(const std::filesystem::path& store) {
  h5::QuietErrors quiet;
  h5::Handle file = open_store(store);
  std::vector<SymbolInfo> infos;
  for (const std::string& name : store_symbols(file.get(), store)) {
    const std::string where = h5::where(store, "/symbols/" + name + "/date");
    h5::Handle dates = h5::open_object(file.get(), "/symbols/" + name + "/date", where);
    SymbolInfo info{name, 0, 0, static_cast<std::int64_t>(h5::length(dates.get(), where))};
    if (info.bars > 0) {
      h5::read_range(dates.get(), H5T_NATIVE_INT32, 0, 1, &info.first, where);
      h5::read_range(dates.get(), H5T_NATIVE_INT32, static_cast<hsize_t>(info.bars - 1), 1, &info.last, where);
    }
    infos.push_back(info);
  }
  return infos;
}

void write_store(const std::filesystem::path& store, const MarketData& data) {
  StoreWriter writer(store);
  for (const SymbolBars& bars : data.symbols) {
    // Validated one symbol at a time, while earlier ones are already in STORE.tmp: a failure
    // anywhere must still leave the old store untouched.
    validate_symbol(store, bars);
    const std::size_t index = writer.add_symbol(bars.symbol);
    for (std::size_t i = 0; i < bars.size(); ++i)
      writer.append(index, Bar{bars.date[i], bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume[i]});
  }
  writer.commit();
}

std::string store_digest(const std::filesystem::path& store) { return sha256_file(store); }

}  // namespace qg::results
