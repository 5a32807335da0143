#pragma once
// The market-data store: an HDF5 file with one dataset per field, all symbols end to end, and
// row offsets per symbol (docs/hdf5-schema.md). Stores of the older per-symbol layout (1.x)
// are read as well; upgrade_store converts them.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "qg/core/market_data.hpp"
#include "qg/core/store_ref.hpp"

namespace qg::results {

//! Major.minor of the store layout written; readers refuse a newer major version and read
//! 1.x (per-symbol groups) and 2.x (columnar).
inline constexpr int kStoreSchemaMajor = 2;
inline constexpr int kStoreSchemaMinor = 0;
//! Root attribute `kind` of every market store.
inline constexpr const char* kStoreKind = "quantgrid-market-store";

//! What to load from a store: symbols (empty = all, in store order) and an inclusive date
//! range (YYYYMMDD; 0 = open-ended).
struct DataSelection {
  std::vector<std::string> symbols;
  std::int32_t start = 0;
  std::int32_t end = 0;
};

//! Reads the selected bars, one read per field for the whole selection. Throws DataError
//! naming the store path and the unknown symbol, a symbol with no bars in the range, or a
//! symbol and row that break the store's invariants (strictly increasing calendar dates,
//! finite positive prices, high >= low, volume >= 0).
MarketData read_store(const std::filesystem::path& store, const DataSelection& selection);

//! Symbol, first date, last date, bar count for every symbol of a store.
struct SymbolInfo {
  std::string symbol;
  std::int32_t first = 0;
  std::int32_t last = 0;
  std::int64_t bars = 0;
  std::uint32_t real_fields = kAllBarFields;  // BarField bits the source had
};
std::vector<SymbolInfo> store_info(const std::filesystem::path& store);

//! Writes symbols into a store (created when missing; a symbol already there is replaced).
//! Atomic: the new store is written beside the old one and renamed over it, so a failure
//! leaves an existing store unchanged.
void write_store(const std::filesystem::path& store, const MarketData& data);

//! What writing a symbol that the store already has does.
enum class ExistingSymbols : std::uint8_t {
  kRefuse,   // DataError saying so (and naming --append and --replace)
  kAppend,   // keep the store's bars and add the new dates after its last one
  kReplace,  // replace the symbol's history
};

//! Options of a CSV import.
struct CsvImportOptions {
  std::string symbol;  // for single-symbol OHLCV files; default: the file name's stem
  ExistingSymbols existing = ExistingSymbols::kRefuse;
};

//! What an import did to one symbol (SymbolInfo: the bars added).
struct ImportedSymbol {
  SymbolInfo added;
  std::int64_t skipped = 0;  // kAppend: rows at or before the store's last date, left out
  bool existed = false;      // the store had the symbol before
};

//! Imports a CSV file (single-symbol OHLCV, wide closes, or long layout, recognised from the
//! header) into a store, validating every row. Throws DataError "FILE:LINE: what" on the
//! first bad row; the store is unchanged then. Returns the symbols imported. Lines longer
//! than kMaxCsvLineBytes are refused. Only one writer may change a store at a time: another
//! one gets IoError naming the process that holds it.
inline constexpr std::size_t kMaxCsvLineBytes = std::size_t{1} << 20;
std::vector<ImportedSymbol> import_csv(const std::filesystem::path& csv, const std::filesystem::path& store,
                                       const CsvImportOptions& options);

//! Rewrites a store in the current layout (same symbols, order and bars); returns the schema
//! version it had ("1.0"). A store already current is left untouched.
std::string upgrade_store(const std::filesystem::path& store);

//! SHA-256 of a store file (provenance of a run).
std::string store_digest(const std::filesystem::path& store);

//! Bytes of one bar in memory and on the wire: a date (int32) and five doubles.
inline constexpr std::uint64_t kBarBytes = sizeof(std::int32_t) + 5 * sizeof(double);

//! Bytes of the selected symbols' whole histories (kBarBytes per bar, date range ignored): an
//! upper bound of what read_store returns, from the store's offsets alone. 0 for a 1.x store.
std::uint64_t selected_bar_bytes(const std::filesystem::path& store, const DataSelection& selection);

//! read_store(store, selection) when selected_bar_bytes(store, selection) is 0 or at most `limit`
//! (limit 0: only then), from one opening of the store; nullopt, nothing read, when the selection
//! is larger (the caller then indexes the store: index_store).
std::optional<MarketData> read_store_within(const std::filesystem::path& store, const DataSelection& selection,
                                            std::uint64_t limit);

//! The store's size and modification time and the selected symbols' row ranges within the
//! selection's dates (sha256 is left empty: the caller digests). Reads the dates only; the
//! other fields are checked when a symbol is read (StoreBarSource). DataError as read_store,
//! and for a 1.x store (no row offsets).
StoreRef index_store(const std::filesystem::path& store, const DataSelection& selection);

//! DataError unless the file at `ref.path` has the size and modification time rank 0 saw and
//! every symbol's rows lie within that symbol's range in it, so a worker never reads another
//! store than the one digested; the message names this host.
void verify_store(const StoreRef& ref);

}  // namespace qg::results
