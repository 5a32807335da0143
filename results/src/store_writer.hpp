#pragma once
// Streaming writer of a market store in the columnar layout, shared by write_store,
// import_csv and upgrade_store. It claims the store (qg::OutputClaim), buffers the added symbols'
// bars (spilling them to a scratch file past kMaxBufferedBars), and on commit() writes the
// whole new store to a temporary file of its own, symbol after symbol in store order (the old
// store's symbols that are kept are copied from it, of either layout), then renames it over
// the store. Destroyed uncommitted, it deletes its temporary files and the store is untouched.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "h5.hpp"
#include "qg/core/output_claim.hpp"
#include "qg/results/market_store.hpp"
#include "store_reader.hpp"
#include "symbol_name.hpp"

namespace qg::results {

//! One daily bar as appended to a store.
struct Bar {
  std::int32_t date = 0;
  double open = 0, high = 0, low = 0, close = 0, volume = 0;
};

//! Writes a new version of a store; see the file comment.
class StoreWriter {
 public:
  //! Rows per chunk of the store's column datasets (128 KiB of float64).
  static constexpr hsize_t kChunkRows = 16384;
  //! Rows per chunk of a symbol's datasets in the scratch file.
  static constexpr hsize_t kScratchChunkRows = 4096;
  //! Bars buffered over all symbols (48 MiB) before they are spilled to the scratch file:
  //! bounds memory for long files that interleave thousands of symbols.
  static constexpr std::size_t kMaxBufferedBars = std::size_t{1} << 20;
  //! Rows gathered before they are written to the store's columns.
  static constexpr std::size_t kWriteRows = std::size_t{1} << 16;

  //! Claims the store, checks an existing one (DataError if it is not a store) and opens it
  //! to copy from. `existing` says what add_symbol does with a symbol the store has.
  explicit StoreWriter(std::filesystem::path store, ExistingSymbols existing = ExistingSymbols::kReplace);
  ~StoreWriter();
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  //! Starts a symbol whose source has `real_fields` (BarField bits); returns its index.
  //! DataError for an invalid name, one already added, or one the store has under kRefuse.
  std::size_t add_symbol(const std::string& name, std::uint32_t real_fields = kAllBarFields);
  //! Appends one bar; the caller has validated it (dates increasing, prices sane).
  void append(std::size_t symbol, const Bar& bar);
  //! First/last date and bar count of the bars added here to a symbol.
  const SymbolInfo& info(std::size_t symbol) const { return symbols_[symbol].info; }
  //! Under kAppend, the last date the store already has for the symbol (bars up to it are
  //! kept and new ones must come after it); 0 otherwise.
  std::int32_t kept_until(std::size_t symbol) const;
  //! True when the store had the symbol before (it is replaced or extended).
  bool existed(std::size_t symbol) const { return symbols_[symbol].existed; }
  //! Symbols added here, in order.
  std::vector<SymbolInfo> added() const;
  //! Writes the new store and renames it over the old one.
  void commit();

 private:
  struct Pending {
    SymbolInfo info;
    std::uint32_t real_fields = kAllBarFields;
    std::vector<Bar> buffer;
    hsize_t spilled = 0;             // bars already in the scratch file
    std::optional<SymbolBars> kept;  // kAppend: the store's bars of the symbol
    bool existed = false;
  };
  //! Rows gathered for the store's columns, and the index written at the end.
  struct Columns {
    SymbolBars rows;  // gathered, not yet written
    hsize_t written = 0;
    std::vector<std::int64_t> offsets{0};
    std::vector<std::uint32_t> fields;
  };
  void spill_all();
  void spill(Pending& symbol);
  SymbolBars unspilled_bars(const Pending& symbol) const;
  void write_symbol(const SymbolBars& bars, std::uint32_t real_fields);
  void write_columns();
  void write_kept_old(const std::vector<std::size_t>& old_indices);
  void create_store_file();
  void finish_store_file(const std::vector<std::string>& order);
  //! Closes everything and deletes the temporary files.
  void discard() noexcept;
  std::vector<std::string> final_order() const;
  std::string where(const std::string& object = "") const { return h5::where(tmp_path_, object); }

  std::filesystem::path store_;
  OutputClaim claim_;  // taken before anything else is touched
  ExistingSymbols existing_;
  std::filesystem::path tmp_path_;
  std::filesystem::path scratch_path_;
  std::optional<StoreReader> old_;
  std::vector<SymbolInfo> old_info_;  // the old store's symbols, read once when copying
  h5::Handle scratch_;
  h5::Handle file_;
  Columns columns_;
  std::vector<Pending> symbols_;
  std::unordered_map<std::string, std::size_t> added_;  // name -> index in symbols_
  std::size_t buffered_ = 0;
  bool committed_ = false;
};

}  // namespace qg::results
