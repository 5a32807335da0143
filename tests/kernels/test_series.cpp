// PreparedSeries: derived arrays against direct computation, rejected inputs, and a series
// prepared without its high/low range tables: the same arrays and metrics otherwise, and a rule
// that reads the tables refuses it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "qg/core/error.hpp"
#include "qg/kernels/backtest.hpp"
#include "qg/kernels/series.hpp"
#include "qg/kernels/strategy.hpp"
#include "test_util.hpp"

namespace qg::kernels {
namespace {

TEST(PreparedSeries, ReturnsAndPrefixSumsMatchTheirDefinitions) {
  const std::vector<double> c = {100, 102, 99.5, 101.25};
  const PreparedSeries s = testing::close_only(c);
  ASSERT_EQ(s.size(), 4);
  EXPECT_EQ(s.returns()[0], 0.0);
  for (int t = 1; t < 4; ++t) EXPECT_EQ(s.returns()[t], c[t] / c[t - 1] - 1.0);
  EXPECT_EQ(s.close_prefix()[0], 0.0);
  EXPECT_EQ(s.close_prefix()[4], ((100.0 + 102.0) + 99.5) + 101.25);
  EXPECT_EQ(s.close_sq_prefix()[2], 100.0 * 100.0 + 102.0 * 102.0);
}

TEST(PreparedSeries, RangeExtremesMatchBruteForceOnEveryRange) {
  const PreparedSeries s = testing::random_walk(5, 37);
  for (std::int64_t a = 0; a < s.size(); ++a) {
    for (std::int64_t b = a; b < s.size(); ++b) {
      EXPECT_EQ(s.max_high(a, b), *std::max_element(s.high() + a, s.high() + b + 1)) << a << ".." << b;
      EXPECT_EQ(s.min_low(a, b), *std::min_element(s.low() + a, s.low() + b + 1)) << a << ".." << b;
    }
  }
}

TEST(PreparedSeries, WithoutRangeTablesEverythingElseIsTheSame) {
  const SyntheticBars b = generate_bars(3, 1, 300);
  const PreparedSeries with(BarsView{b.high, b.low, b.close}), without(BarsView{b.high, b.low, b.close}, false);
  EXPECT_TRUE(with.has_range_tables());
  EXPECT_FALSE(without.has_range_tables());
  EXPECT_EQ(without.max_abs_return(), with.max_abs_return());
  for (std::int64_t t = 0; t < with.size(); ++t) {
    ASSERT_EQ(without.returns()[t], with.returns()[t]) << t;
    ASSERT_EQ(without.close_prefix()[t + 1], with.close_prefix()[t + 1]) << t;
    ASSERT_EQ(without.close_sq_prefix()[t + 1], with.close_sq_prefix()[t + 1]) << t;
  }
  // A rule that reads closes only gives the same metrics, bit for bit, on either.
  const Strategy& sma = *find_strategy("sma_crossover");
  ASSERT_FALSE(sma.reads_high_low());
  const std::vector<double> sets = {5, 20, 10, 50, 3, 7};
  std::vector<double> a(3 * kNumMetrics), c(3 * kNumMetrics);
  std::vector<std::int8_t> scratch;
  sma.evaluate(with, sets.data(), 3, PositionMode::kLongShort, 5e-4, a.data(), scratch);
  sma.evaluate(without, sets.data(), 3, PositionMode::kLongShort, 5e-4, c.data(), scratch);
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(std::memcmp(&a[i], &c[i], sizeof(double)), 0) << i;
}

TEST(PreparedSeries, ARuleThatReadsRangeTablesRefusesASeriesWithout) {
  const SyntheticBars b = generate_bars(3, 1, 100);
  const PreparedSeries without(BarsView{b.high, b.low, b.close}, false);
  const Strategy& donchian = *find_strategy("donchian");
  ASSERT_TRUE(donchian.reads_high_low());
  const std::vector<double> sets = {20, 10};
  std::vector<double> metrics(kNumMetrics);
  std::vector<std::int8_t> scratch, pos(static_cast<std::size_t>(without.size()));
  EXPECT_THROW(donchian.evaluate(without, sets.data(), 1, PositionMode::kLongFlat, 0.0, metrics.data(), scratch),
               KernelError);
  EXPECT_THROW(donchian.positions(without, sets.data(), 1, PositionMode::kLongFlat, pos.data()), KernelError);
}

TEST(PreparedSeries, RejectsUnusableInput) {
  const std::vector<double> one = {100};
  EXPECT_THROW(PreparedSeries(BarsView{one, one, one}), KernelError);
  const std::vector<double> zero = {100, 0, 101};
  EXPECT_THROW(PreparedSeries(BarsView{zero, zero, zero}), KernelError);
  const std::vector<double> negative = {100, -1, 101};
  EXPECT_THROW(PreparedSeries(BarsView{negative, negative, negative}), KernelError);
  const std::vector<double> good = {100, 101, 102}, short_high = {100, 101};
  EXPECT_THROW(PreparedSeries(BarsView{short_high, good, good}), KernelError);
}

}  // namespace
}  // namespace qg::kernels
