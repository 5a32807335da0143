// Market store: write/read round trip, selections, info, replacement and atomicity.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "expect_same_bars.hpp"
#include "qg/core/error.hpp"
#include "qg/results/market_store.hpp"
#include "temp_dir.hpp"

namespace qg::results {
namespace {

using testing::expect_same;

using testing::TempDir;

//! `n` days from 2020-01-01 (day of month 1..28, 12 months a year), prices derived from `base`.
SymbolBars make_bars(const std::string& symbol, int n, double base) {
  SymbolBars bars;
  bars.symbol = symbol;
  for (int i = 0; i < n; ++i) {
    bars.date.push_back((2020 + i / 336) * 10000 + (1 + i / 28 % 12) * 100 + 1 + i % 28);
    const double close = base + 0.5 * i;
    bars.open.push_back(close - 0.25);
    bars.high.push_back(close + 1);
    bars.low.push_back(close - 1);
    bars.close.push_back(close);
    bars.volume.push_back(1000.0 * i);
  }
  return bars;
}

std::string error_of(const std::filesystem::path& store, const DataSelection& selection) {
  try {
    read_store(store, selection);
  } catch (const DataError& e) {
    return e.what();
  }
  return "no error";
}

TEST(MarketStore, WriteReadRoundTripKeepsInsertionOrder) {
  TempDir dir;
  const MarketData data{{make_bars("MSFT", 300, 100), make_bars("AAPL", 5000, 50), make_bars("IBM", 1, 10)}};
  write_store(dir / "s.h5", data);
  const MarketData back = read_store(dir / "s.h5", {});
  ASSERT_EQ(back.symbols.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) expect_same(back.symbols[i], data.symbols[i]);
}

TEST(MarketStore, SelectionPicksSymbolsInRequestedOrderAndInclusiveDates) {
  TempDir dir;
  write_store(dir / "s.h5", {{make_bars("MSFT", 60, 100), make_bars("AAPL", 60, 50)}});
  const MarketData back = read_store(dir / "s.h5", {{"AAPL", "MSFT"}, 20200105, 20200203});
  ASSERT_EQ(back.symbols.size(), 2u);
  EXPECT_EQ(back.symbols[0].symbol, "AAPL");
  EXPECT_EQ(back.symbols[0].date.front(), 20200105);
  EXPECT_EQ(back.symbols[0].date.back(), 20200203);
  EXPECT_EQ(back.symbols[0].close.front(), 50 + 0.5 * 4);
  EXPECT_EQ(back.symbols[1].symbol, "MSFT");
  const MarketData open_start = read_store(dir / "s.h5", {{"MSFT"}, 0, 20200102});
  EXPECT_EQ(open_start.symbols[0].size(), 2u);
}

TEST(MarketStore, UnknownSymbolNamesStoreAndListsKnown) {
  TempDir dir;
  write_store(dir / "s.h5", {{make_bars("MSFT", 5, 100), make_bars("AAPL", 5, 50)}});
  const std::string message = error_of(dir / "s.h5", {{"AAPL", "GOOG"}});
  EXPECT_NE(message.find((dir / "s.h5").string()), std::string::npos) << message;
  EXPECT_NE(message.find("unknown symbol 'GOOG'"), std::string::npos) << message;
  EXPECT_NE(message.find("MSFT, AAPL"), std::string::npos) << message;
}

TEST(MarketStore, SymbolWithoutBarsInRangeIsDataError) {
  TempDir dir;
  write_store(dir / "s.h5", {{make_bars("MSFT", 5, 100)}});
  const std::string message = error_of(dir / "s.h5", {{"MSFT"}, 20210101, 20211231});
  EXPECT_NE(message.find("symbol 'MSFT' has no bars between 2021-01-01 and 2021-12-31"), std::string::npos) << message;
}

TEST(MarketStore, InfoListsDatesAndCounts) {
  TempDir dir;
  write_store(dir / "s.h5", {{make_bars("MSFT", 30, 100), make_bars("AAPL", 2, 50)}});
  const auto infos = store_info(dir / "s.h5");
  ASSERT_EQ(infos.size(), 2u);
  EXPECT_EQ(infos[0].symbol, "MSFT");
  EXPECT_EQ(infos[0].first, 20200101);
  EXPECT_EQ(infos[0].last, 20200202);
  EXPECT_EQ(infos[0].bars, 30);
  EXPECT_EQ(infos[1].symbol, "AAPL");
  EXPECT_EQ(infos[1].bars, 2);
}

TEST(MarketStore, WriteIntoExistingStoreAddsAndReplaces) {
  TempDir dir;
  write_store(dir / "s.h5", {{make_bars("A", 5, 10), make_bars("B", 5, 20)}});
  write_store(dir / "s.h5", {{make_bars("C", 3, 30), make_bars("B", 7, 40)}});
  const MarketData back = read_store(dir / "s.h5", {});
  ASSERT_EQ(back.symbols.size(), 3u);
  expect_same(back.symbols[0], make_bars("A", 5, 10));
  expect_same(back.symbols[1], make_bars("B", 7, 40));  // replaced in place
  expect_same(back.symbols[2], make_bars("C", 3, 30));
}

TEST(MarketStore, FailedWriteLeavesStoreByteIdentical) {
  TempDir dir;
  const auto store = dir / "s.h5";
  write_store(store, {{make_bars("A", 50, 10)}});
  const std::string before = testing::read_bytes(store);
  SymbolBars bad = make_bars("BAD", 10, 10);
  bad.date[6] = bad.date[5];  // fails only after NEW is already in the temporary store
  EXPECT_THROW(write_store(store, {{make_bars("NEW", 5000, 1), make_bars("A", 5, 1), bad}}), DataError);
  EXPECT_EQ(testing::read_bytes(store), before);
  EXPECT_EQ(testing::files_in(dir.path()), std::vector<std::string>{"s.h5"});  // no temporary or lock file left
}

TEST(MarketStore, RefusesToReplaceAFileThatIsNotAStore) {
  TempDir dir;
  testing::write_text(dir / "s.h5", "precious");
  EXPECT_THROW(write_store(dir / "s.h5", {{make_bars("A", 5, 10)}}), DataError);
  EXPECT_EQ(testing::read_bytes(dir / "s.h5"), "precious");
}

TEST(MarketStore, InvalidAndDuplicateSymbolNamesAreDataErrors) {
  TempDir dir;
  EXPECT_THROW(write_store(dir / "s.h5", {{make_bars("A/B", 5, 10)}}), DataError);
  EXPECT_THROW(write_store(dir / "s.h5", {{make_bars("A", 5, 10), make_bars("A", 5, 10)}}), DataError);
  EXPECT_FALSE(std::filesystem::exists(dir / "s.h5"));
}

TEST(MarketStore, SameDataGivesSameDigest) {
  TempDir dir;
  const MarketData data{{make_bars("MSFT", 300, 100), make_bars("AAPL", 20, 50)}};
  write_store(dir / "a.h5", data);
  write_store(dir / "b.h5", data);
  EXPECT_EQ(store_digest(dir / "a.h5"), store_digest(dir / "b.h5"));
  write_store(dir / "b.h5", {{make_bars("AAPL", 21, 50)}});
  EXPECT_NE(store_digest(dir / "a.h5"), store_digest(dir / "b.h5"));
}

TEST(MarketStore, MissingStoreIsIoError) { EXPECT_THROW(read_store("/nonexistent/qg/store.h5", {}), IoError); }

}  // namespace
}  // namespace qg::results
