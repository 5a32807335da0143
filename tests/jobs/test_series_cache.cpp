// The sweep's series cache (LRU by bytes over a BarSource) and the sweep job over a BarSource:
// the same tables and attributes as over the same bars in memory, with a cache too small for
// every symbol.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>

#include "fake_run_file.hpp"
#include "qg/core/bar_source.hpp"
#include "qg/core/error.hpp"
#include "qg/jobs/job.hpp"
#include "qg/kernels/synthetic.hpp"
#include "staged_run.hpp"
#include "sweep/series_cache.hpp"

namespace qg::jobs {
namespace {

//! Serves the symbols of a MarketData and counts the loads.
class MemorySource final : public BarSource {
 public:
  MemorySource(MarketData data, std::size_t cache_bytes) : data_(std::move(data)), cache_bytes_(cache_bytes) {
    for (const auto& s : data_.symbols)
      symbols_.push_back(StoreSymbol{s.symbol, 0, static_cast<std::int64_t>(s.size()), s.real_fields});
  }
  const std::vector<StoreSymbol>& symbols() const override { return symbols_; }
  SymbolBars load(std::size_t index) const override {
    ++loads;
    return data_.symbols.at(index);
  }
  std::size_t cache_bytes() const override { return cache_bytes_; }
  mutable std::atomic<int> loads{0};

 private:
  MarketData data_;
  std::vector<StoreSymbol> symbols_;
  std::size_t cache_bytes_;
};

MarketData synthetic(int n_symbols, std::int64_t n_bars) {
  MarketData data;
  for (int s = 0; s < n_symbols; ++s) {
    const auto bars = kernels::generate_bars(7, static_cast<std::uint32_t>(s), n_bars);
    SymbolBars sym;
    sym.symbol = "SYM" + std::to_string(s);
    for (std::int64_t t = 0; t < n_bars; ++t) sym.date.push_back(static_cast<std::int32_t>(20000101 + t));
    sym.open = bars.open, sym.high = bars.high, sym.low = bars.low, sym.close = bars.close, sym.volume = bars.volume;
    data.symbols.push_back(std::move(sym));
  }
  return data;
}

TEST(SeriesCache, PreparedBytesCountTheArraysAndSparseTables) {
  // n = 5: high, low, close, returns (4 x 5) + two prefix sums (2 x 6) = 32 doubles; sparse
  // tables of widths 1, 2, 4 hold 5, 4, 2 entries, two tables: 22 doubles. 54 x 8 bytes.
  EXPECT_EQ(SeriesCache::prepared_bytes(5), 54u * 8u);
  // n = 1: 4 + 2 x 2 = 8 doubles, one level of 1 entry per table: 10 doubles.
  EXPECT_EQ(SeriesCache::prepared_bytes(1), 10u * 8u);
  // Without the range tables: the 32 and 8 doubles of the arrays alone.
  EXPECT_EQ(SeriesCache::prepared_bytes(5, false), 32u * 8u);
  EXPECT_EQ(SeriesCache::prepared_bytes(1, false), 8u * 8u);
}

TEST(SeriesCache, EvictsTheLeastRecentlyUsedBeyondItsBytes) {
  const std::int64_t bars = 100;
  const std::size_t one = SeriesCache::prepared_bytes(bars);
  auto source = std::make_shared<MemorySource>(synthetic(3, bars), 0);
  const SeriesCache cache(source, 2 * one);  // room for two series
  // 0 load, 1 load, 0 hit, 2 load (evicts 1), 0 hit, 1 load (evicts 2): 4 loads.
  for (std::size_t s : {0, 1, 0, 2, 0, 1}) cache.get(s);
  EXPECT_EQ(source->loads.load(), 4);
  EXPECT_EQ(cache.loads(), 4u);
  EXPECT_EQ(cache.bytes(), 2 * one);
  cache.get(0);  // still held: 0 was used after 2
  EXPECT_EQ(source->loads.load(), 4);
}

TEST(SeriesCache, KeepsTheLastSeriesEvenWhenLargerThanItsBytes) {
  auto source = std::make_shared<MemorySource>(synthetic(2, 50), 0);
  const SeriesCache cache(source, 1);
  const auto a = cache.get(0);
  EXPECT_EQ(cache.bytes(), SeriesCache::prepared_bytes(50));
  EXPECT_EQ(cache.get(0), a);  // held, not reloaded
  cache.get(1);
  EXPECT_EQ(cache.bytes(), SeriesCache::prepared_bytes(50));
  EXPECT_EQ(source->loads.load(), 2);
  EXPECT_EQ(a->size(), 50);  // a task's series outlives its eviction
}

// fast 2..21 x slow 30..120 step 10: 200 sets, 2 blocks per symbol; overfitting on (default).
constexpr const char* kSpec =
    "job: sweep\nname: t\ndata: {file: d.h5}\n"
    "strategy:\n  kind: sma_crossover\n  mode: long_short\n  params:\n"
    "    fast: {from: 2, to: 21, step: 1}\n    slow: {from: 30, to: 120, step: 10}\n"
    "costs: {commission_bps: 2, slippage_bps: 3}\n";

bool same_value(const testing::FakeRunFile::Value& a, const testing::FakeRunFile::Value& b) {
  if (a.index() != b.index()) return false;
  if (const auto* x = std::get_if<double>(&a)) {
    const double y = std::get<double>(b);
    return std::memcmp(x, &y, sizeof y) == 0;  // bit for bit (NaN included)
  }
  return a == b;
}

//! Same tables (bit for bit), strings and attributes.
void expect_same_file(const testing::FakeRunFile& a, const testing::FakeRunFile& b) {
  ASSERT_EQ(a.tables.size(), b.tables.size());
  for (const auto& [group, table] : a.tables) {
    ASSERT_EQ(b.tables.count(group), 1u) << group;
    const auto& other = b.tables.at(group)->values;
    ASSERT_EQ(table->values.size(), other.size()) << group;
    EXPECT_EQ(std::memcmp(table->values.data(), other.data(), other.size() * sizeof(double)), 0) << group;
  }
  EXPECT_EQ(a.strings, b.strings);
  ASSERT_EQ(a.attrs.size(), b.attrs.size());
  for (const auto& [key, value] : a.attrs) EXPECT_TRUE(same_value(value, b.attrs.at(key))) << key;
}

TEST(SweepJobFromSource, GivesTheSameTablesAndAttributesAsInMemory) {
  const MarketData data = synthetic(5, 400);
  const auto memory = make_job(kSpec, "t.yaml", std::make_shared<const MarketData>(data));
  // Room for one prepared series: every switch of symbol reloads.
  auto source = std::make_shared<MemorySource>(data, SeriesCache::prepared_bytes(400));
  const auto from_source = make_job(kSpec, "t.yaml", std::shared_ptr<const BarSource>(source));
  EXPECT_EQ(source->loads.load(), 0);  // planning the stages loads nothing
  ASSERT_EQ(from_source->num_stages(), memory->num_stages());
  ASSERT_EQ(memory->num_stages(), 4u);
  const auto a = testing::run_stages(*memory), b = testing::run_stages(*from_source);
  EXPECT_GT(source->loads.load(), 5);  // symbols were evicted and read again
  EXPECT_FALSE(a.attrs.empty());
  expect_same_file(a, b);
}

TEST(JobFromSource, OtherKindsLoadTheirSymbolsOnceAndGiveTheSameResults) {
  const std::string spec =
      "job: walkforward\nname: t\ndata: {file: d.h5}\n"
      "strategy:\n  kind: sma_crossover\n  mode: long_short\n  params:\n"
      "    fast: {from: 2, to: 12, step: 2}\n    slow: {from: 5, to: 40, step: 5}\n"
      "windows: {in_sample: 120, out_of_sample: 40}\noverfitting: {pbo_blocks: 6}\n";
  const MarketData data = synthetic(1, 400);
  auto source = std::make_shared<MemorySource>(data, 1);
  const auto from_source = make_job(spec, "t.yaml", std::shared_ptr<const BarSource>(source));
  EXPECT_EQ(source->loads.load(), 1);  // the default of JobKind::make_store_job: everything, up front
  const auto memory = make_job(spec, "t.yaml", std::make_shared<const MarketData>(data));
  expect_same_file(testing::run_stages(*memory), testing::run_stages(*from_source));
  EXPECT_EQ(source->loads.load(), 1);
}

TEST(SweepJobFromSource, RefusesTooFewBarsWithoutLoading) {
  auto source = std::make_shared<MemorySource>(synthetic(2, 100), 1 << 20);  // slow 120 needs 122 bars
  EXPECT_THROW(make_job(kSpec, "t.yaml", std::shared_ptr<const BarSource>(source)), DataError);
  EXPECT_EQ(source->loads.load(), 0);
}

}  // namespace
}  // namespace qg::jobs
