// The columnar store layout (2.x), reading the per-symbol layout of 1.x and upgrading it,
// recorded source fields, and the invariants checked on read. Expected values come from the
// bars the tests write (make_bars), counted by hand.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "h5.hpp"
#include "expect_same_bars.hpp"
#include "qg/core/error.hpp"
#include "qg/results/market_store.hpp"
#include "store_writer.hpp"
#include "temp_dir.hpp"

namespace qg::results {
namespace {

using testing::expect_same;

using testing::TempDir;

//! `n` consecutive calendar days from `first` (a std::chrono day count), prices from `base`.
SymbolBars make_bars(const std::string& symbol, int n, double base, int first_day = 18262 /* 2020-01-01 */) {
  SymbolBars bars;
  bars.symbol = symbol;
  for (int i = 0; i < n; ++i) {
    const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{first_day + i}}};
    bars.date.push_back(int(ymd.year()) * 10000 + int(unsigned(ymd.month())) * 100 + int(unsigned(ymd.day())));
    const double close = base + 0.25 * (i % 1000);
    bars.open.push_back(close);
    bars.high.push_back(close + 1);
    bars.low.push_back(close - 0.5);
    bars.close.push_back(close);
    bars.volume.push_back(i % 7);
  }
  return bars;
}

template <typename T>
std::vector<T> read_dataset(const std::filesystem::path& file, const std::string& path, hid_t type) {
  h5::Handle f = h5::open_file(file, false);
  h5::Handle d = h5::open_object(f.get(), path, path);
  std::vector<T> values(h5::length(d.get(), path));
  h5::read_range(d.get(), type, 0, values.size(), values.data(), path);
  return values;
}

//! Overwrites element `row` of a 1-D dataset: a store damaged by another tool.
template <typename T>
void poke(const std::filesystem::path& file, const std::string& path, hid_t type, hsize_t row, T value) {
  h5::Handle f = h5::open_file(file, true);
  h5::Handle d = h5::open_object(f.get(), path, path);
  h5::Handle space(H5Dget_space(d.get()));
  const hsize_t one = 1;
  H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, &row, nullptr, &one, nullptr);
  h5::Handle memory(H5Screate_simple(1, &one, nullptr));
  ASSERT_GE(H5Dwrite(d.get(), type, memory.get(), space.get(), H5P_DEFAULT, &value), 0);
}

//! A store of the 1.0 layout (one group per symbol), as quantgrid wrote it before 2.0.
void write_legacy_store(const std::filesystem::path& file, const MarketData& data) {
  h5::Handle f = h5::create_file(file);
  {
    h5::Handle root = h5::require_group(f.get(), "/", "/");
    h5::write_attribute(root.get(), "kind", std::string(kStoreKind), "/");
    h5::write_attribute(root.get(), "schema_version", std::string("1.0"), "/");
    h5::write_attribute(root.get(), "schema_major", std::int64_t{1}, "/");
    h5::write_attribute(root.get(), "schema_minor", std::int64_t{0}, "/");
  }
  std::vector<std::string> order;
  for (const SymbolBars& b : data.symbols) {
    const std::string group = "/symbols/" + b.symbol;
    const h5::Handle g = h5::require_group(f.get(), group, group);
    h5::write_vector(g.get(), "date", H5T_STD_I32LE, H5T_NATIVE_INT32, b.date.data(), b.size(), group);
    const std::vector<double>* columns[] = {&b.open, &b.high, &b.low, &b.close, &b.volume};
    const char* names[] = {"open", "high", "low", "close", "volume"};
    for (int c = 0; c < 5; ++c)
      h5::write_vector(g.get(), names[c], H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, columns[c]->data(), b.size(), group);
    order.push_back(b.symbol);
  }
  h5::write_strings(f.get(), "/symbol_order", order, "/symbol_order");
  h5::close_file(f, file);
}

std::string read_error(const std::filesystem::path& store, const DataSelection& selection = {}) {
  try {
    read_store(store, selection);
  } catch (const DataError& e) {
    return e.what();
  }
  return "no error";
}

TEST(StoreLayout, OneDatasetPerFieldWithRowOffsets) {
  TempDir dir;
  const auto store = dir / "s.h5";
  write_store(store, {{make_bars("MSFT", 300, 100), make_bars("AAPL", 5000, 50), make_bars("IBM", 1, 10)}});
  EXPECT_EQ(read_dataset<std::int64_t>(store, "/bars/offset", H5T_NATIVE_INT64),
            (std::vector<std::int64_t>{0, 300, 5300, 5301}));
  EXPECT_EQ(read_dataset<std::uint32_t>(store, "/bars/fields", H5T_NATIVE_UINT32),
            (std::vector<std::uint32_t>(3, kAllBarFields)));
  const auto close = read_dataset<double>(store, "/bars/close", H5T_NATIVE_DOUBLE);
  ASSERT_EQ(close.size(), 5301u);
  EXPECT_EQ(close[299], 100 + 0.25 * 299);  // MSFT's last
  EXPECT_EQ(close[300], 50);                // AAPL's first
  EXPECT_EQ(close[5300], 10);               // IBM
  h5::Handle f = h5::open_file(store, false);
  EXPECT_FALSE(h5::exists(f.get(), "/symbols"));
}

TEST(StoreLayout, LegacyStoreIsReadAndUpgradedToTheSameBars) {
  TempDir dir;
  const auto store = dir / "old.h5";
  const MarketData data{{make_bars("B", 40, 20), make_bars("A", 7, 10)}};
  write_legacy_store(store, data);
  const MarketData before = read_store(store, {{"A"}, 20200103, 20200105});
  ASSERT_EQ(before.symbols.size(), 1u);
  EXPECT_EQ(before.symbols[0].date, (std::vector<std::int32_t>{20200103, 20200104, 20200105}));
  EXPECT_EQ(store_info(store)[0].bars, 40);

  EXPECT_EQ(upgrade_store(store), "1.0");
  const MarketData after = read_store(store, {});
  ASSERT_EQ(after.symbols.size(), 2u);
  expect_same(after.symbols[0], data.symbols[0]);
  expect_same(after.symbols[1], data.symbols[1]);
  EXPECT_EQ(read_dataset<std::int64_t>(store, "/bars/offset", H5T_NATIVE_INT64),
            (std::vector<std::int64_t>{0, 40, 47}));
  const std::string bytes = testing::read_bytes(store);
  EXPECT_EQ(upgrade_store(store), "2.0");  // already current: untouched
  EXPECT_EQ(testing::read_bytes(store), bytes);
}

TEST(StoreLayout, WritingIntoALegacyStoreKeepsItsSymbols) {
  TempDir dir;
  const auto store = dir / "old.h5";
  write_legacy_store(store, {{make_bars("A", 5, 10), make_bars("B", 5, 20)}});
  write_store(store, {{make_bars("C", 3, 30)}});
  const MarketData back = read_store(store, {});
  ASSERT_EQ(back.symbols.size(), 3u);
  expect_same(back.symbols[0], make_bars("A", 5, 10));
  expect_same(back.symbols[1], make_bars("B", 5, 20));
  expect_same(back.symbols[2], make_bars("C", 3, 30));
}

TEST(StoreLayout, SourceFieldsAreRecordedPerSymbol) {
  TempDir dir;
  SymbolBars closes = make_bars("CLOSES", 4, 10);
  closes.real_fields = kCloseOnly;
  write_store(dir / "s.h5", {{make_bars("FULL", 4, 10), closes}});
  const MarketData back = read_store(dir / "s.h5", {});
  EXPECT_EQ(back.symbols[0].real_fields, kAllBarFields);
  EXPECT_EQ(back.symbols[1].real_fields, kCloseOnly);
  EXPECT_FALSE(back.symbols[1].has(kFieldHigh | kFieldLow));
  EXPECT_EQ(store_info(dir / "s.h5")[1].real_fields, kCloseOnly);
}

TEST(StoreLayout, ManySymbolsSelectedInAnyOrder) {
  TempDir dir;
  MarketData data;
  for (int i = 0; i < 300; ++i)
    data.symbols.push_back(make_bars(std::string("S").append(std::to_string(i)), 40, 1 + i));
  write_store(dir / "s.h5", data);
  const MarketData back = read_store(dir / "s.h5", {{"S299", "S0", "S150"}, 20200110, 0});
  ASSERT_EQ(back.symbols.size(), 3u);
  EXPECT_EQ(back.symbols[0].symbol, "S299");
  EXPECT_EQ(back.symbols[0].size(), 31u);  // Jan 10 .. Feb 9
  EXPECT_EQ(back.symbols[0].close.front(), 300 + 0.25 * 9);
  EXPECT_EQ(back.symbols[1].close.front(), 1 + 0.25 * 9);
  EXPECT_EQ(back.symbols[2].close.back(), 151 + 0.25 * 39);
}

TEST(StoreLayout, BarsPastTheBufferSpillAndComeBackInOrder) {
  TempDir dir;
  // 1.2 M bars overflow StoreWriter::kMaxBufferedBars (2^20): both symbols spill to the scratch file.
  const MarketData data{{make_bars("A", 600000, 5, -354000), make_bars("B", 600000, 7, -354000)}};
  ASSERT_GT(2 * 600000u, StoreWriter::kMaxBufferedBars);
  write_store(dir / "s.h5", data);
  const MarketData back = read_store(dir / "s.h5", {});
  ASSERT_EQ(back.symbols.size(), 2u);
  expect_same(back.symbols[0], data.symbols[0]);
  expect_same(back.symbols[1], data.symbols[1]);
  EXPECT_EQ(testing::files_in(dir.path()), std::vector<std::string>{"s.h5"});
}

// ---- invariants of a store written by another tool ----

TEST(StoreInvariants, DecreasingDateNamesSymbolAndRow) {
  TempDir dir;
  const auto store = dir / "s.h5";
  write_store(store, {{make_bars("A", 5, 10), make_bars("B", 5, 20)}});
  poke<std::int32_t>(store, "/bars/date", H5T_NATIVE_INT32, 5 + 3, 20200101);  // B's row 3
  const std::string message = read_error(store);
  EXPECT_NE(message.find("symbol 'B', row 3: date 2020-01-01 is not after 2020-01-03"), std::string::npos) << message;
}

TEST(StoreInvariants, DuplicateAndImpossibleDates) {
  TempDir dir;
  const auto store = dir / "s.h5";
  write_store(store, {{make_bars("A", 5, 10)}});
  poke<std::int32_t>(store, "/bars/date", H5T_NATIVE_INT32, 2, 20200102);
  EXPECT_NE(read_error(store).find("row 2: date 2020-01-02 is not after 2020-01-02"), std::string::npos);
  poke<std::int32_t>(store, "/bars/date", H5T_NATIVE_INT32, 2, 20201340);
  EXPECT_NE(read_error(store).find("row 2: date 20201340 is not a calendar date"), std::string::npos);
}

TEST(StoreInvariants, NonPositivePriceNamesSymbolRowAndDate) {
  TempDir dir;
  const auto store = dir / "s.h5";
  write_store(store, {{make_bars("A", 5, 10)}});
  poke<double>(store, "/bars/close", H5T_NATIVE_DOUBLE, 4, -1.0);
  const std::string message = read_error(store);
  EXPECT_NE(message.find("symbol 'A', row 4 (2020-01-05): close"), std::string::npos) << message;
  EXPECT_NE(message.find("is not a positive price"), std::string::npos) << message;
}

TEST(StoreInvariants, OffsetsThatDoNotCoverTheRowsAreRefused) {
  TempDir dir;
  const auto store = dir / "s.h5";
  write_store(store, {{make_bars("A", 5, 10), make_bars("B", 5, 20)}});
  poke<std::int64_t>(store, "/bars/offset", H5T_NATIVE_INT64, 2, 11);
  EXPECT_NE(read_error(store).find("row offsets do not cover the 10 rows"), std::string::npos);
}

}  // namespace
}  // namespace qg::results
