// Reading a job's symbols from the store one at a time: index_store's row ranges, the bars
// StoreBarSource reads against read_store of the same selection, and the identity check that
// refuses a store other than the one indexed.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "expect_same_bars.hpp"
#include "qg/core/error.hpp"
#include "qg/results/market_store.hpp"
#include "qg/results/store_bar_source.hpp"
#include "temp_dir.hpp"

namespace qg::results {
namespace {

using testing::expect_same;
using testing::TempDir;

//! `n` days of 2021 from January 1st (day of month 1..28), prices from `base`.
SymbolBars make_bars(const std::string& symbol, int n, double base) {
  SymbolBars bars;
  bars.symbol = symbol;
  for (int i = 0; i < n; ++i) {
    bars.date.push_back(20210000 + (1 + i / 28) * 100 + 1 + i % 28);
    const double close = base + 0.25 * i;
    bars.open.push_back(close);
    bars.high.push_back(close + 1);
    bars.low.push_back(close - 1);
    bars.close.push_back(close);
    bars.volume.push_back(10.0 * i);
  }
  return bars;
}

TEST(StoreBarSource, IndexGivesEachSymbolsRowsWithinTheDates) {
  TempDir dir;
  write_store(dir / "s.h5", MarketData{{make_bars("AAA", 100, 10), make_bars("BBB", 50, 20), make_bars("CCC", 70, 5)}});
  // Symbols end to end in store order: AAA rows 0..99, BBB 100..149, CCC 150..219. From
  // 2021-02-01 on (day index 28 of each symbol): AAA 28..99, CCC 178..219 (42 rows).
  const StoreRef ref = index_store(dir / "s.h5", DataSelection{{"CCC", "AAA"}, 20210201, 0});
  ASSERT_EQ(ref.symbols.size(), 2u);
  EXPECT_EQ(ref.symbols[0].symbol, "CCC");
  EXPECT_EQ(ref.symbols[0].first_row, 178);
  EXPECT_EQ(ref.symbols[0].rows, 42);
  EXPECT_EQ(ref.symbols[1].symbol, "AAA");
  EXPECT_EQ(ref.symbols[1].first_row, 28);
  EXPECT_EQ(ref.symbols[1].rows, 72);
  EXPECT_EQ(ref.size, std::filesystem::file_size(dir / "s.h5"));
  EXPECT_EQ(selected_bar_bytes(dir / "s.h5", DataSelection{{"CCC", "AAA"}, 20210201, 0}), (100u + 70u) * kBarBytes);
}

// read_store_within reads what read_store reads when the selection's whole histories (170 bars
// here, as above) fit the limit, and nothing when they do not or when the limit is 0.
TEST(StoreBarSource, ReadsWithinTheLimitOnly) {
  TempDir dir;
  write_store(dir / "s.h5", MarketData{{make_bars("AAA", 100, 10), make_bars("BBB", 50, 20), make_bars("CCC", 70, 5)}});
  const DataSelection selection{{"CCC", "AAA"}, 20210201, 0};
  const auto within = read_store_within(dir / "s.h5", selection, 170 * kBarBytes);
  ASSERT_TRUE(within.has_value());
  const MarketData all = read_store(dir / "s.h5", selection);
  ASSERT_EQ(within->symbols.size(), all.symbols.size());
  for (std::size_t i = 0; i < all.symbols.size(); ++i) expect_same(within->symbols[i], all.symbols[i]);
  EXPECT_FALSE(read_store_within(dir / "s.h5", selection, 170 * kBarBytes - 1).has_value());
  EXPECT_FALSE(read_store_within(dir / "s.h5", selection, 0).has_value());
  EXPECT_THROW((void)read_store_within(dir / "s.h5", DataSelection{{"ZZZ"}, 0, 0}, 1 << 20), DataError);
}

TEST(StoreBarSource, LoadsTheBarsReadStoreReturns) {
  TempDir dir;
  write_store(dir / "s.h5", MarketData{{make_bars("AAA", 100, 10), make_bars("BBB", 50, 20), make_bars("CCC", 70, 5)}});
  const DataSelection selection{{"BBB", "CCC"}, 20210110, 20210220};
  const MarketData expected = read_store(dir / "s.h5", selection);
  const StoreBarSource source(index_store(dir / "s.h5", selection), 1 << 20);
  ASSERT_EQ(source.symbols().size(), 2u);
  expect_same(source.load(1), expected.symbols[1]);
  expect_same(source.load(0), expected.symbols[0]);
  EXPECT_EQ(load_all(source).symbols.size(), 2u);
}

TEST(StoreBarSource, RefusesAStoreThatChangedSinceItWasIndexed) {
  TempDir dir;
  write_store(dir / "s.h5", MarketData{{make_bars("AAA", 100, 10)}});
  const StoreRef ref = index_store(dir / "s.h5", {});
  EXPECT_NO_THROW(verify_store(ref));
  write_store(dir / "s.h5", MarketData{{make_bars("AAA", 100, 11)}});  // same size, new content
  std::filesystem::last_write_time(dir / "s.h5",
                                   std::filesystem::last_write_time(dir / "s.h5") + std::chrono::hours(1));
  try {
    StoreBarSource source(ref, 1 << 20);
    FAIL() << "a changed store was accepted";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("is not the market-data store the coordinator opened"), std::string::npos)
        << e.what();
  }
}

TEST(StoreBarSource, RefusesRowsOutsideTheSymbolsRangeInThisStore) {
  TempDir dir;
  write_store(dir / "s.h5", MarketData{{make_bars("AAA", 100, 10), make_bars("BBB", 50, 20)}});
  StoreRef ref = index_store(dir / "s.h5", {});
  ref.symbols[1].first_row = 90;  // BBB is rows 100..149 in this store
  try {
    StoreBarSource source(ref, 1 << 20);
    FAIL() << "rows of another symbol were accepted";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("symbol 'BBB' is not at rows 90..139 in this store"), std::string::npos)
        << e.what();
  }
}

TEST(StoreBarSource, IndexRefusesASymbolWithoutBarsInTheDates) {
  TempDir dir;
  write_store(dir / "s.h5", MarketData{{make_bars("AAA", 10, 10)}});
  EXPECT_THROW(index_store(dir / "s.h5", DataSelection{{}, 20300101, 0}), DataError);
}

}  // namespace
}  // namespace qg::results
