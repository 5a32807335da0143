// The sweep's in-memory series (MemorySeries): nothing prepared up front, each symbol prepared
// once at its first use, from any number of threads at once, and the same series as one
// prepared directly from the symbol's bars.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "qg/core/error.hpp"
#include "qg/kernels/synthetic.hpp"
#include "sweep/memory_series.hpp"

namespace qg::jobs {
namespace {

std::shared_ptr<const MarketData> synthetic(int n_symbols, std::int64_t n_bars) {
  auto data = std::make_shared<MarketData>();
  for (int s = 0; s < n_symbols; ++s) {
    const auto bars = kernels::generate_bars(11, static_cast<std::uint32_t>(s), n_bars);
    SymbolBars sym;
    sym.symbol = "SYM" + std::to_string(s);
    for (std::int64_t t = 0; t < n_bars; ++t) sym.date.push_back(static_cast<std::int32_t>(20000101 + t));
    sym.open = bars.open, sym.high = bars.high, sym.low = bars.low, sym.close = bars.close, sym.volume = bars.volume;
    data->symbols.push_back(std::move(sym));
  }
  return data;
}

// The reference: the series prepared directly from the same bars, as the job did before.
void expect_same_series(const kernels::PreparedSeries& got, const SymbolBars& bars) {
  const kernels::PreparedSeries want(kernels::BarsView{bars.high, bars.low, bars.close});
  ASSERT_EQ(got.size(), want.size());
  for (std::int64_t t = 0; t < want.size(); ++t) {
    EXPECT_EQ(got.close()[t], want.close()[t]);
    EXPECT_EQ(got.high()[t], want.high()[t]);
    EXPECT_EQ(got.low()[t], want.low()[t]);
    EXPECT_EQ(got.returns()[t], want.returns()[t]);
    EXPECT_EQ(got.close_prefix()[t + 1], want.close_prefix()[t + 1]);
  }
}

TEST(MemorySeries, PreparesEachSymbolAtItsFirstUseOnly) {
  const auto data = synthetic(3, 200);
  const MemorySeries series(data);
  EXPECT_EQ(series.prepared(), 0u);
  const auto second = series.get(1);
  EXPECT_EQ(series.prepared(), 1u);
  expect_same_series(*second, data->symbols[1]);
  EXPECT_EQ(series.get(1), second);  // the same series, not prepared again
  EXPECT_EQ(series.prepared(), 1u);
  expect_same_series(*series.get(0), data->symbols[0]);
  expect_same_series(*series.get(2), data->symbols[2]);
  EXPECT_EQ(series.prepared(), 3u);
}

TEST(MemorySeries, ConcurrentFirstCallsPrepareOnce) {
  const auto data = synthetic(2, 2000);
  const MemorySeries series(data);
  std::vector<MemorySeries::Series> got(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < got.size(); ++i) threads.emplace_back([&, i] { got[i] = series.get(1); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(series.prepared(), 1u);
  for (const auto& s : got) EXPECT_EQ(s, got.front());
  expect_same_series(*got.front(), data->symbols[1]);
}

TEST(MemorySeries, BarsTheSeriesRefusesFailAtFirstUseAndAgainAfter) {
  auto data = std::make_shared<MarketData>(*synthetic(2, 50));
  data->symbols[1].close[7] = 0.0;  // a zero close: no return can be taken from it
  const MemorySeries series(data);  // nothing is checked up front
  EXPECT_THROW((void)series.get(1), KernelError);
  EXPECT_THROW((void)series.get(1), KernelError);  // a failed preparation is tried again, and fails again
  EXPECT_EQ(series.prepared(), 0u);
  expect_same_series(*series.get(0), data->symbols[0]);
  EXPECT_THROW((void)series.get(2), InternalError);
}

}  // namespace
}  // namespace qg::jobs
