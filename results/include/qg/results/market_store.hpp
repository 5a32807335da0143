#pragma once
// The market-data store: an HDF5 file with one group per symbol (docs/hdf5-schema.md).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "qg/core/market_data.hpp"

namespace qg::results {

//! Major.minor of the store layout; readers refuse a newer major version.
inline constexpr int kStoreSchemaMajor = 1;
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

//! Reads the selected bars. Throws DataError naming the store path and the unknown symbol, or
//! a symbol with no bars in the range.
MarketData read_store(const std::filesystem::path& store, const DataSelection& selection);

//! Symbol, first date, last date, bar count for every symbol of a store.
struct SymbolInfo {
  std::string symbol;
  std::int32_t first = 0;
  std::int32_t last = 0;
  std::int64_t bars = 0;
};
std::vector<SymbolInfo> store_info(const std::filesystem::path& store);

//! Writes symbols into a store (created when missing; a symbol already there is replaced).
//! Atomic: the new store is written beside the old one and renamed over it, so a failure
//! leaves an existing store unchanged.
void write_store(const std::filesystem::path& store, const MarketData& data);

//! Options of a CSV import.
struct CsvImportOptions {
  std::string symbol;  // for single-symbol OHLCV files; default: the file name's stem
};

//! Imports a CSV file (single-symbol OHLCV, wide closes, or long layout, recognised from the
//! header) into a store, validating every row. Throws DataError "FILE:LINE: what" on the
//! first bad row; the store is unchanged then. Returns the symbols imported.
std::vector<SymbolInfo> import_csv(const std::filesystem::path& csv, const std::filesystem::path& store,
                                   const CsvImportOptions& options);

//! SHA-256 of a store file (provenance of a run).
std::string store_digest(const std::filesystem::path& store);

}  // namespace qg::results
