#pragma once
// Reads a market store of either layout (docs/hdf5-schema.md): the columnar layout (2.x: one
// dataset per field, all symbols end to end, row offsets per symbol) and the per-symbol
// groups of 1.x. Every symbol read is checked (check_symbol_bars), so a store written by
// another tool cannot feed wrong bars to a job.
#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "h5.hpp"
#include "qg/core/store_ref.hpp"
#include "qg/results/market_store.hpp"

namespace qg::results {

class StoreReader {
 public:
  //! Opens `store` read-only after checking `kind` and `schema_version`; IoError when it
  //! cannot be opened, DataError when it is not a store or its index is inconsistent.
  explicit StoreReader(std::filesystem::path store);

  //! Symbols in store order.
  const std::vector<std::string>& symbols() const { return names_; }
  //! Index of `name` in symbols(), or -1.
  std::ptrdiff_t find(const std::string& name) const;
  //! The store's schema_version ("2.0").
  const std::string& version() const { return version_; }
  //! True for the per-symbol groups of schema 1.x.
  bool legacy() const { return major_ < 2; }
  //! The selected bars, checked; see read_store.
  MarketData read(const DataSelection& selection) const;
  //! All bars of the symbols at `indices` (in that order), checked.
  MarketData read_all(const std::vector<std::size_t>& indices) const;
  //! First/last date and count of every symbol.
  std::vector<SymbolInfo> info() const;
  //! Rows of the selected symbols' whole histories (legacy stores: 0, they have no offsets).
  std::uint64_t selected_rows(const DataSelection& selection) const;
  //! The selected symbols' row ranges within the selection's dates (columnar stores only;
  //! DataError naming `quantgrid data upgrade` for a 1.x store). Reads and checks the dates.
  std::vector<StoreSymbol> index(const DataSelection& selection) const;
  //! DataError unless every symbol is in this store with its rows inside its own row range (a
  //! store indexed elsewhere, by index(), still matches this one's layout).
  void check_index(const std::vector<StoreSymbol>& symbols) const;
  //! The bars of rows [first_row, first_row + rows) of every field, one read per field, checked.
  SymbolBars read_rows(const StoreSymbol& symbol) const;

 private:
  //! Row range [first, first + count) of a symbol in the columnar datasets.
  struct Span {
    hsize_t first = 0;
    hsize_t count = 0;
  };
  void load_index();
  std::vector<std::size_t> selected(const DataSelection& selection) const;
  MarketData read_legacy(const std::vector<std::size_t>& indices, const DataSelection& selection) const;
  MarketData read_columnar(const std::vector<std::size_t>& indices, const DataSelection& selection) const;
  //! Reads `spans` of one column into one vector each, merging nearby spans into one read.
  template <typename T>
  std::vector<std::vector<T>> read_spans(const char* column, hid_t mem_type, const std::vector<Span>& spans) const;

  std::filesystem::path store_;
  h5::Handle file_;
  std::string version_;
  int major_ = 0;
  std::vector<std::string> names_;
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<std::int64_t> offsets_;       // columnar: n + 1 row offsets
  std::vector<std::uint32_t> real_fields_;  // columnar: BarField bits per symbol
};

//! DataError naming the store, the symbol and the row (0-based, and its date) unless the
//! columns agree in length, dates are calendar dates in strictly increasing order, and
//! prices are finite and positive with high >= low and volume finite and not negative.
void check_symbol_bars(const std::filesystem::path& store, const SymbolBars& bars);

}  // namespace qg::results
