#pragma once
// What a run shares instead of the bars when the workers read them from the store themselves:
// the store's identity (path, size, modification time, SHA-256) and the selected symbols' row
// ranges in its columnar datasets (docs/hdf5-schema.md). Plain data: no I/O here.
#include <cstdint>
#include <string>
#include <vector>

#include "qg/core/market_data.hpp"

namespace qg {

//! One selected symbol: rows [first_row, first_row + rows) of every /bars/* dataset, already
//! cut to the selection's date range.
struct StoreSymbol {
  std::string symbol;
  std::int64_t first_row = 0;
  std::int64_t rows = 0;
  std::uint32_t real_fields = kAllBarFields;  // BarField bits the source had
};

//! A market store as rank 0 opened it, and the symbols a job reads from it (in job order).
//! An empty `symbols` means the bars travel with the job instead.
struct StoreRef {
  std::string path;
  std::string sha256;         // of the whole file, as rank 0 digested it
  std::uint64_t size = 0;     // bytes
  std::int64_t mtime_ns = 0;  // modification time, nanoseconds since the epoch
  std::vector<StoreSymbol> symbols;
};

}  // namespace qg
