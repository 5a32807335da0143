#include "store_writer.hpp"

#include <algorithm>
#include <array>
#include <system_error>

#include "dates.hpp"
#include "qg/core/error.hpp"

namespace qg::results {

namespace {

constexpr std::array<const char*, 5> kPriceColumns = {"open", "high", "low", "close", "volume"};
constexpr std::array<std::vector<double> SymbolBars::*, 5> kPriceMembers = {
    &SymbolBars::open, &SymbolBars::high, &SymbolBars::low, &SymbolBars::close, &SymbolBars::volume};
//! Old symbols copied per read while committing (rows), so memory stays bounded.
constexpr std::int64_t kCopyRows = std::int64_t{1} << 20;

//! The scratch file's suffix: it is the claim's temp path + this (a dead writer's is removed too).
constexpr const char* kScratchSuffix = ".scratch";

std::string scratch_group(std::size_t symbol) { return "/s" + std::to_string(symbol); }

void append_bar(SymbolBars& bars, const Bar& bar) {
  bars.date.push_back(bar.date);
  bars.open.push_back(bar.open);
  bars.high.push_back(bar.high);
  bars.low.push_back(bar.low);
  bars.close.push_back(bar.close);
  bars.volume.push_back(bar.volume);
}

template <typename T>
void append_to(std::vector<T>& to, const std::vector<T>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

}  // namespace

StoreWriter::StoreWriter(std::filesystem::path store, ExistingSymbols existing)
    : store_(std::move(store)),
      claim_(OutputClaim::acquire(store_, {kScratchSuffix})),
      existing_(existing),
      tmp_path_(claim_.temp_path()),
      scratch_path_(claim_.temp_path(kScratchSuffix)) {
  std::error_code ec;
  if (std::filesystem::exists(store_, ec)) old_.emplace(store_);
}

StoreWriter::~StoreWriter() {
  if (!committed_) discard();
}

void StoreWriter::discard() noexcept {
  old_.reset();
  file_.close();
  scratch_.close();
  std::error_code ignored;  // best effort: runs on error paths and in the destructor
  std::filesystem::remove(tmp_path_, ignored);
  std::filesystem::remove(scratch_path_, ignored);
}

std::size_t StoreWriter::add_symbol(const std::string& name, std::uint32_t real_fields) {
  if (const std::string problem = symbol_name_problem(name); !problem.empty())
    throw DataError(store_.string() + ": " + problem);
  if (added_.contains(name)) throw DataError(store_.string() + ": symbol '" + name + "' given twice");
  const std::ptrdiff_t old = old_ ? old_->find(name) : -1;
  Pending pending{SymbolInfo{name, 0, 0, 0, real_fields}, real_fields, {}, 0, std::nullopt, old >= 0};
  if (old >= 0 && existing_ == ExistingSymbols::kRefuse) {
    const SymbolInfo info = old_->info()[static_cast<std::size_t>(old)];
    throw DataError(store_.string() + ": symbol '" + name + "' is already in the store (" + std::to_string(info.bars) +
                    " bars, " + format_date(info.first) + " to " + format_date(info.last) +
                    "); pass --append to add only dates after " + format_date(info.last) +
                    ", or --replace to replace its history");
  }
  if (old >= 0 && existing_ == ExistingSymbols::kAppend) {
    pending.kept = std::move(old_->read_all({static_cast<std::size_t>(old)}).symbols.front());
    pending.real_fields &= pending.kept->real_fields;
    pending.info.real_fields = pending.real_fields;
  }
  symbols_.push_back(std::move(pending));
  added_.emplace(name, symbols_.size() - 1);
  return symbols_.size() - 1;
}

std::int32_t StoreWriter::kept_until(std::size_t symbol) const {
  const auto& kept = symbols_[symbol].kept;
  return kept && !kept->date.empty() ? kept->date.back() : 0;
}

void StoreWriter::append(std::size_t symbol, const Bar& bar) {
  Pending& pending = symbols_[symbol];
  if (pending.info.bars == 0) pending.info.first = bar.date;
  pending.info.last = bar.date;
  ++pending.info.bars;
  pending.buffer.push_back(bar);
  if (++buffered_ >= kMaxBufferedBars) spill_all();
}

void StoreWriter::spill_all() {
  h5::QuietErrors quiet;
  if (!scratch_) scratch_ = h5::create_file(scratch_path_);
  for (Pending& symbol : symbols_) {
    spill(symbol);
    std::vector<Bar>().swap(symbol.buffer);  // give back capacity: memory tracks buffered bars only
  }
  buffered_ = 0;
}

void StoreWriter::spill(Pending& symbol) {
  if (symbol.buffer.empty()) return;
  const std::string group = scratch_group(static_cast<std::size_t>(&symbol - symbols_.data()));
  const std::string at = h5::where(scratch_path_, group);
  if (symbol.spilled == 0) {
    h5::Handle parent = h5::require_group(scratch_.get(), group, at);
    h5::create_extendible(parent.get(), "date", H5T_STD_I32LE, kScratchChunkRows, false, at);
    for (const char* column : kPriceColumns)
      h5::create_extendible(parent.get(), column, H5T_IEEE_F64LE, kScratchChunkRows, false, at);
  }
  SymbolBars bars = unspilled_bars(symbol);
  const hsize_t n = bars.size();
  hsize_t size = symbol.spilled;
  h5::Handle date = h5::open_object(scratch_.get(), group + "/date", at);
  h5::append(date.get(), H5T_NATIVE_INT32, bars.date.data(), n, size, at + "/date");
  for (std::size_t c = 0; c < kPriceColumns.size(); ++c) {
    size = symbol.spilled;
    h5::Handle dataset = h5::open_object(scratch_.get(), group + "/" + kPriceColumns[c], at);
    h5::append(dataset.get(), H5T_NATIVE_DOUBLE, (bars.*kPriceMembers[c]).data(), n, size, at);
  }
  symbol.spilled += n;
}

SymbolBars StoreWriter::unspilled_bars(const Pending& symbol) const {
  SymbolBars bars;
  bars.symbol = symbol.info.symbol;
  for (const Bar& bar : symbol.buffer) append_bar(bars, bar);
  return bars;
}

std::vector<SymbolInfo> StoreWriter::added() const {
  std::vector<SymbolInfo> infos;
  for (const Pending& pending : symbols_) infos.push_back(pending.info);
  return infos;
}

std::vector<std::string> StoreWriter::final_order() const {
  // A replaced or extended symbol keeps its place; new ones follow in the order they were added.
  std::vector<std::string> order = old_ ? old_->symbols() : std::vector<std::string>{};
  for (const Pending& pending : symbols_)
    if (!old_ || old_->find(pending.info.symbol) < 0) order.push_back(pending.info.symbol);
  return order;
}

void StoreWriter::create_store_file() {
  file_ = h5::create_file(tmp_path_);
  h5::Handle root = h5::require_group(file_.get(), "/", where());
  h5::write_attribute(root.get(), "kind", std::string(kStoreKind), where("/"));
  h5::write_attribute(root.get(), "schema_version",
                      std::to_string(kStoreSchemaMajor) + "." + std::to_string(kStoreSchemaMinor), where("/"));
  h5::write_attribute(root.get(), "schema_major", std::int64_t{kStoreSchemaMajor}, where("/"));
  h5::write_attribute(root.get(), "schema_minor", std::int64_t{kStoreSchemaMinor}, where("/"));
  h5::Handle bars = h5::require_group(file_.get(), "/bars", where());
  // Market data compresses well (dates and prices vary slowly), and stores are read far more
  // often than written.
  h5::create_extendible(bars.get(), "date", H5T_STD_I32LE, kChunkRows, true, where("/bars"));
  for (const char* column : kPriceColumns)
    h5::create_extendible(bars.get(), column, H5T_IEEE_F64LE, kChunkRows, true, where("/bars"));
}

void StoreWriter::write_symbol(const SymbolBars& bars, std::uint32_t real_fields) {
  append_to(columns_.rows.date, bars.date);
  for (auto member : kPriceMembers) append_to(columns_.rows.*member, bars.*member);
  columns_.offsets.push_back(columns_.offsets.back() + static_cast<std::int64_t>(bars.size()));
  columns_.fields.push_back(real_fields);
  if (columns_.rows.size() >= kWriteRows) write_columns();
}

void StoreWriter::write_columns() {
  SymbolBars& rows = columns_.rows;
  const hsize_t n = rows.size();
  if (n == 0) return;
  hsize_t size = columns_.written;
  h5::Handle date = h5::open_object(file_.get(), "/bars/date", where("/bars/date"));
  h5::append(date.get(), H5T_NATIVE_INT32, rows.date.data(), n, size, where("/bars/date"));
  rows.date.clear();
  for (std::size_t c = 0; c < kPriceColumns.size(); ++c) {
    size = columns_.written;
    const std::string path = std::string("/bars/") + kPriceColumns[c];
    h5::Handle dataset = h5::open_object(file_.get(), path, where(path));
    h5::append(dataset.get(), H5T_NATIVE_DOUBLE, (rows.*kPriceMembers[c]).data(), n, size, where(path));
    (rows.*kPriceMembers[c]).clear();
  }
  columns_.written += n;
}

void StoreWriter::write_kept_old(const std::vector<std::size_t>& old_indices) {
  // Read in batches of about kCopyRows rows, so copying a large store needs bounded memory.
  if (old_indices.empty()) return;
  if (old_info_.empty()) old_info_ = old_->info();
  const std::vector<SymbolInfo>& infos = old_info_;
  std::size_t k = 0;
  while (k < old_indices.size()) {
    std::vector<std::size_t> batch;
    std::int64_t rows = 0;
    for (; k < old_indices.size() && (batch.empty() || rows < kCopyRows); ++k) {
      batch.push_back(old_indices[k]);
      rows += infos[old_indices[k]].bars;
    }
    for (const SymbolBars& bars : old_->read_all(batch).symbols) write_symbol(bars, bars.real_fields);
  }
}

void StoreWriter::finish_store_file(const std::vector<std::string>& order) {
  write_columns();
  h5::write_vector(file_.get(), "/bars/offset", H5T_STD_I64LE, H5T_NATIVE_INT64, columns_.offsets.data(),
                   columns_.offsets.size(), where("/bars/offset"));
  h5::write_vector(file_.get(), "/bars/fields", H5T_STD_U32LE, H5T_NATIVE_UINT32, columns_.fields.data(),
                   columns_.fields.size(), where("/bars/fields"));
  h5::write_strings(file_.get(), "/symbol_order", order, where("/symbol_order"));
  h5::check_status(H5Fflush(file_.get(), H5F_SCOPE_GLOBAL), where(), "cannot flush");
  h5::close_file(file_, tmp_path_);
}

void StoreWriter::commit() {
  h5::QuietErrors quiet;
  create_store_file();
  const std::vector<std::string> order = final_order();
  std::vector<std::size_t> kept_old;  // old symbols copied unchanged, waiting for one batched read
  for (const std::string& name : order) {
    const auto found = added_.find(name);
    if (found == added_.end()) {
      kept_old.push_back(static_cast<std::size_t>(old_->find(name)));
      continue;
    }
    write_kept_old(kept_old);
    kept_old.clear();
    Pending* pending = &symbols_[found->second];
    SymbolBars bars = pending->kept ? std::move(*pending->kept) : SymbolBars{};
    bars.symbol = name;
    if (pending->spilled > 0) {
      const std::string group = scratch_group(found->second);
      const std::string at = h5::where(scratch_path_, group);
      std::vector<std::int32_t> dates(pending->spilled);
      h5::Handle date = h5::open_object(scratch_.get(), group + "/date", at);
      h5::read_range(date.get(), H5T_NATIVE_INT32, 0, pending->spilled, dates.data(), at);
      append_to(bars.date, dates);
      std::vector<double> values(pending->spilled);
      for (std::size_t c = 0; c < kPriceColumns.size(); ++c) {
        h5::Handle dataset = h5::open_object(scratch_.get(), group + "/" + kPriceColumns[c], at);
        h5::read_range(dataset.get(), H5T_NATIVE_DOUBLE, 0, pending->spilled, values.data(), at);
        append_to(bars.*kPriceMembers[c], values);
      }
    }
    for (const Bar& bar : pending->buffer) append_bar(bars, bar);
    std::vector<Bar>().swap(pending->buffer);
    check_symbol_bars(store_, bars);
    write_symbol(bars, pending->real_fields);
  }
  write_kept_old(kept_old);
  finish_store_file(order);
  old_.reset();
  scratch_.close();
  std::error_code ignored;
  std::filesystem::remove(scratch_path_, ignored);
  h5::sync_file(tmp_path_);
  h5::rename_file(tmp_path_, store_);
  committed_ = true;
}

}  // namespace qg::results
