#pragma once
// Where a job's bars come from when they are not all in memory: the symbols' names, bar counts
// and fields up front, the bars of one symbol on request. Implementations must allow load()
// from several threads at once.
#include <cstddef>
#include <vector>

#include "qg/core/market_data.hpp"
#include "qg/core/store_ref.hpp"

namespace qg {

class BarSource {
 public:
  virtual ~BarSource() = default;
  //! The symbols in job order (symbol index = position); `rows` is each one's bar count.
  virtual const std::vector<StoreSymbol>& symbols() const = 0;
  //! All bars of symbol `index`, checked (IoError / DataError when they cannot be read).
  virtual SymbolBars load(std::size_t index) const = 0;
  //! Bytes of derived data a job may keep of this source's symbols at once (its cache).
  virtual std::size_t cache_bytes() const = 0;
};

//! Every symbol of `source` loaded into memory, in its order (for jobs that need them all).
inline MarketData load_all(const BarSource& source) {
  MarketData data;
  data.symbols.reserve(source.symbols().size());
  for (std::size_t i = 0; i < source.symbols().size(); ++i) data.symbols.push_back(source.load(i));
  return data;
}

}  // namespace qg
