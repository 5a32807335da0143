#pragma once
// Market data as plain arrays: what the store reads, what the coordinator broadcasts and
// what job kinds evaluate. No I/O here.
#include <cstdint>
#include <string>
#include <vector>

namespace qg {

//! Bits of SymbolBars::real_fields: which fields came from the source.
enum BarField : std::uint32_t { kFieldOpen = 1, kFieldHigh = 2, kFieldLow = 4, kFieldClose = 8, kFieldVolume = 16 };
inline constexpr std::uint32_t kAllBarFields = kFieldOpen | kFieldHigh | kFieldLow | kFieldClose | kFieldVolume;
//! A source of closes only: open, high and low repeat the close, volume is 0.
inline constexpr std::uint32_t kCloseOnly = kFieldClose;

//! One symbol's daily bars, oldest first; dates are YYYYMMDD integers, strictly increasing.
//! All vectors have the same length. volume is 0 where the source had none. `real_fields`
//! tells which fields the source had (BarField bits); the others are filled in.
struct SymbolBars {
  std::string symbol;
  std::vector<std::int32_t> date;
  std::vector<double> open, high, low, close, volume;
  std::uint32_t real_fields = kAllBarFields;

  std::size_t size() const { return date.size(); }
  bool has(std::uint32_t fields) const { return (real_fields & fields) == fields; }
};

//! A set of symbols, in the order a job sees them (symbol index = position here).
struct MarketData {
  std::vector<SymbolBars> symbols;
};

}  // namespace qg
