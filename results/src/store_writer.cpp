#include "store_writer.hpp"

#include <algorithm>
#include <array>
#include <system_error>

#include "qg/core/error.hpp"

namespace qg::results {

namespace {
constexpr std::array<const char*, 5> kPriceColumns = {"open", "high", "low", "close", "volume"};

double field(const Bar& bar, std::size_t column) {
  switch (column) {
    case 0:
      return bar.open;
    case 1:
      return bar.high;
    case 2:
      return bar.low;
    case 3:
      return bar.close;
    default:
      return bar.volume;
  }
}

std::string symbol_group(const std::string& name) { return "/symbols/" + name; }
}  // namespace

std::string symbol_name_problem(const std::string& name) {
  if (name.empty()) return "empty symbol name";
  if (name.find('/') != std::string::npos) return "symbol name '" + name + "' contains '/'";
  if (name == "." || name == "..") return "symbol name '" + name + "' is not allowed";
  return "";
}

// ---- reading helpers shared with market_store.cpp ----

h5::Handle open_store(const std::filesystem::path& store) {
  h5::Handle file = h5::open_file(store, false);
  h5::Handle root = h5::open_object(file.get(), "/", store.string());
  const auto kind = h5::read_string_attribute(root.get(), "kind", store.string());
  if (!kind || *kind != kStoreKind) throw DataError(store.string() + ": not a quantgrid market store");
  h5::require_schema(file.get(), store, kStoreSchemaMajor, "quantgrid market store");
  return file;
}

std::vector<std::string> store_symbols(hid_t file, const std::filesystem::path& store) {
  if (!h5::exists(file, "/symbol_order")) return {};
  h5::Handle order = h5::open_object(file, "/symbol_order", h5::where(store, "/symbol_order"));
  return h5::read_strings(order.get(), h5::where(store, "/symbol_order"));
}

// ---- writer ----

StoreWriter::StoreWriter(std::filesystem::path store) : store_(std::move(store)), tmp_path_(store_.string() + ".tmp") {
  h5::QuietErrors quiet;
  std::error_code ec;
  if (std::filesystem::exists(store_, ec)) {
    old_ = open_store(store_);
    old_order_ = store_symbols(old_.get(), store_);
  }
  file_ = h5::create_file(tmp_path_);
  try {
    h5::Handle root = h5::require_group(file_.get(), "/", where());
    h5::write_attribute(root.get(), "kind", std::string(kStoreKind), where("/"));
    h5::write_attribute(root.get(), "schema_version",
                        std::to_string(kStoreSchemaMajor) + "." + std::to_string(kStoreSchemaMinor), where("/"));
    h5::write_attribute(root.get(), "schema_major", std::int64_t{kStoreSchemaMajor}, where("/"));
    h5::write_attribute(root.get(), "schema_minor", std::int64_t{kStoreSchemaMinor}, where("/"));
    h5::require_group(file_.get(), "/symbols", where());
  } catch (...) {
    discard();  // no destructor runs for a half-constructed object
    throw;
  }
}

StoreWriter::~StoreWriter() {
  if (!committed_) discard();
}

void StoreWriter::discard() noexcept {
  old_.close();
  file_.close();
  std::error_code ignored;  // best effort: runs on error paths and in the destructor
  std::filesystem::remove(tmp_path_, ignored);
}

std::size_t StoreWriter::add_symbol(const std::string& name) {
  if (const std::string problem = symbol_name_problem(name); !problem.empty())
    throw DataError(store_.string() + ": " + problem);
  for (const Pending& pending : symbols_)
    if (pending.info.symbol == name) throw DataError(store_.string() + ": symbol '" + name + "' given twice");
  h5::QuietErrors quiet;
  const std::string group = symbol_group(name);
  h5::Handle parent = h5::require_group(file_.get(), group, where(group));
  // Market data compresses well (dates and prices vary slowly), and stores are read far more
  // often than written.
  h5::create_extendible(parent.get(), "date", H5T_STD_I32LE, kChunkRows, true, where(group));
  for (const char* column : kPriceColumns)
    h5::create_extendible(parent.get(), column, H5T_IEEE_F64LE, kChunkRows, true, where(group));
  symbols_.push_back(Pending{SymbolInfo{name, 0, 0, 0}, {}, 0});
  return symbols_.size() - 1;
}

void StoreWriter::append(std::size_t symbol, const Bar& bar) {
  Pending& pending = symbols_[symbol];
  if (pending.info.bars == 0) pending.info.first = bar.date;
  pending.info.last = bar.date;
  ++pending.info.bars;
  pending.buffer.push_back(bar);
  ++buffered_;
  if (pending.buffer.size() == kChunkRows) {
    flush(pending);
  } else if (buffered_ >= kMaxBufferedBars) {
    flush_all();
  }
}

void StoreWriter::flush(Pending& symbol) {
  if (symbol.buffer.empty()) return;
  h5::QuietErrors quiet;
  const std::string group = symbol_group(symbol.info.symbol);
  h5::Handle parent = h5::open_object(file_.get(), group, where(group));
  const hsize_t n = symbol.buffer.size();
  // Each dataset is opened only for the duration of a flush, so thousands of symbols do not
  // keep thousands of chunk caches alive.
  std::vector<std::int32_t> dates(n);
  std::transform(symbol.buffer.begin(), symbol.buffer.end(), dates.begin(), [](const Bar& b) { return b.date; });
  hsize_t size = symbol.written;
  h5::Handle date(h5::check(H5Dopen2(parent.get(), "date", H5P_DEFAULT), where(group), "cannot open date"));
  h5::append(date.get(), H5T_NATIVE_INT32, dates.data(), n, size, where(group + "/date"));
  std::vector<double> values(n);
  for (std::size_t c = 0; c < kPriceColumns.size(); ++c) {
    for (std::size_t i = 0; i < n; ++i) values[i] = field(symbol.buffer[i], c);
    size = symbol.written;
    const std::string path = group + "/" + kPriceColumns[c];
    h5::Handle dataset(h5::check(H5Dopen2(parent.get(), kPriceColumns[c], H5P_DEFAULT), where(path), "cannot open"));
    h5::append(dataset.get(), H5T_NATIVE_DOUBLE, values.data(), n, size, where(path));
  }
  symbol.written += n;
  buffered_ -= symbol.buffer.size();
  symbol.buffer.clear();
}

void StoreWriter::flush_all() {
  for (Pending& symbol : symbols_) {
    flush(symbol);
    std::vector<Bar>().swap(symbol.buffer);  // give back capacity: memory tracks buffered bars only
  }
}

std::vector<SymbolInfo> StoreWriter::added() const {
  std::vector<SymbolInfo> infos;
  for (const Pending& pending : symbols_) infos.push_back(pending.info);
  return infos;
}

std::vector<std::string> StoreWriter::final_order() const {
  // A replaced symbol keeps its place; new ones follow in the order they were added.
  std::vector<std::string> order = old_order_;
  for (const Pending& pending : symbols_)
    if (std::find(old_order_.begin(), old_order_.end(), pending.info.symbol) == old_order_.end())
      order.push_back(pending.info.symbol);
  return order;
}

void StoreWriter::commit() {
  h5::QuietErrors quiet;
  flush_all();
  for (const std::string& name : old_order_) {
    const bool replaced =
        std::any_of(symbols_.begin(), symbols_.end(), [&](const Pending& p) { return p.info.symbol == name; });
    if (replaced) continue;
    const std::string group = symbol_group(name);
    h5::check_status(H5Ocopy(old_.get(), group.c_str(), file_.get(), group.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                     where(group), "cannot copy symbol from " + store_.string());
  }
  h5::write_strings(file_.get(), "/symbol_order", final_order(), where("/symbol_order"));
  old_.close();
  h5::check_status(H5Fflush(file_.get(), H5F_SCOPE_GLOBAL), where(), "cannot flush");
  h5::close_file(file_, tmp_path_);
  h5::sync_file(tmp_path_);
  h5::rename_file(tmp_path_, store_);
  committed_ = true;
}

}  // namespace qg::results
