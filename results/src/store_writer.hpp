#pragma once
// Streaming writer of a market store, shared by write_store and import_csv. It writes
// STORE.tmp beside the store, copies the old store's symbols that are not being replaced, and
// renames over the store on commit(); destroyed uncommitted, it deletes STORE.tmp.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "h5.hpp"
#include "qg/results/market_store.hpp"

namespace qg::results {

//! One daily bar as appended to a store.
struct Bar {
  std::int32_t date = 0;
  double open = 0, high = 0, low = 0, close = 0, volume = 0;
};

//! Why `name` cannot be a symbol (it becomes an HDF5 group name), or "" when it can.
std::string symbol_name_problem(const std::string& name);

//! Writes a new version of a store; see the file comment.
class StoreWriter {
 public:
  //! Rows per chunk of a symbol's datasets (32 KiB of float64: most symbols are a few
  //! thousand daily bars, and a chunk is stored whole).
  static constexpr hsize_t kChunkRows = 4096;
  //! Bars buffered over all symbols (48 MiB) before everything is flushed: bounds memory for
  //! long files that interleave thousands of symbols. Each such flush rewrites partial,
  //! compressed chunks, so the cap is set high enough to make them rare.
  static constexpr std::size_t kMaxBufferedBars = std::size_t{1} << 20;

  //! Checks an existing store at `store` (DataError if it is not one) and creates STORE.tmp.
  explicit StoreWriter(std::filesystem::path store);
  ~StoreWriter();
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  //! Starts a symbol (replacing a same-named one of the old store); returns its index.
  //! DataError for an invalid name or one already added.
  std::size_t add_symbol(const std::string& name);
  //! Appends one bar; the caller has validated it (dates increasing, prices sane).
  void append(std::size_t symbol, const Bar& bar);
  //! First/last date and bar count of a symbol added here.
  const SymbolInfo& info(std::size_t symbol) const { return symbols_[symbol].info; }
  //! Symbols added here, in order.
  std::vector<SymbolInfo> added() const;
  //! Completes the store and renames it over the old one.
  void commit();

 private:
  struct Pending {
    SymbolInfo info;
    std::vector<Bar> buffer;
    hsize_t written = 0;
  };
  void flush(Pending& symbol);
  void flush_all();
  //! Closes everything and deletes STORE.tmp.
  void discard() noexcept;
  std::vector<std::string> final_order() const;
  std::string where(const std::string& object = "") const { return h5::where(tmp_path_, object); }

  std::filesystem::path store_;
  std::filesystem::path tmp_path_;
  h5::Handle old_;
  std::vector<std::string> old_order_;
  h5::Handle file_;
  std::vector<Pending> symbols_;
  std::size_t buffered_ = 0;
  bool committed_ = false;
};

//! Opens a store read-only after checking `kind` and `schema_version`.
h5::Handle open_store(const std::filesystem::path& store);
//! The store's symbols in store order.
std::vector<std::string> store_symbols(hid_t file, const std::filesystem::path& store);

}  // namespace qg::results
