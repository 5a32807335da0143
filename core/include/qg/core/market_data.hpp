#pragma once
// Market data as plain arrays: what the store reads, what the coordinator broadcasts and
// what job kinds evaluate. No I/O here.
#include <cstdint>
#include <string>
#include <vector>

namespace qg {

//! One symbol's daily bars, oldest first; dates are YYYYMMDD integers, strictly increasing.
//! All vectors have the same length. volume is 0 where the source had none.
struct SymbolBars {
  std::string symbol;
  std::vector<std::int32_t> date;
  std::vector<double> open, high, low, close, volume;

  std::size_t size() const { return date.size(); }
};

//! A set of symbols, in the order a job sees them (symbol index = position here).
struct MarketData {
  std::vector<SymbolBars> symbols;
};

}  // namespace qg
