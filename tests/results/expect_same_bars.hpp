#pragma once
// Field-by-field equality of two symbols' bars, for the store round-trip tests.
#include <gtest/gtest.h>

#include "qg/core/market_data.hpp"

namespace qg::results::testing {

inline void expect_same(const SymbolBars& a, const SymbolBars& b) {
  EXPECT_EQ(a.symbol, b.symbol);
  EXPECT_EQ(a.date, b.date);
  EXPECT_EQ(a.open, b.open);
  EXPECT_EQ(a.high, b.high);
  EXPECT_EQ(a.low, b.low);
  EXPECT_EQ(a.close, b.close);
  EXPECT_EQ(a.volume, b.volume);
  EXPECT_EQ(a.real_fields, b.real_fields);
}

}  // namespace qg::results::testing
