// generate_bars: determinism, symbol independence, OHLC consistency and plausible statistics.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "qg/kernels/synthetic.hpp"

namespace qg::kernels {
namespace {

bool same(const SyntheticBars& a, const SyntheticBars& b) {
  return a.open == b.open && a.high == b.high && a.low == b.low && a.close == b.close && a.volume == b.volume;
}

TEST(Synthetic, SameArgumentsGiveIdenticalBars) {
  EXPECT_TRUE(same(generate_bars(42, 3, 500), generate_bars(42, 3, 500)));
  EXPECT_FALSE(same(generate_bars(42, 3, 500), generate_bars(43, 3, 500)));
  EXPECT_FALSE(same(generate_bars(42, 3, 500), generate_bars(42, 4, 500)));
}

TEST(Synthetic, SymbolDoesNotDependOnHowManySymbolsOrBarsAreGenerated) {
  // Generating symbols 0..9 in order and symbol 7 alone give the same path; so does a longer run's prefix.
  std::vector<SyntheticBars> many;
  for (std::uint32_t i = 0; i < 10; ++i) many.push_back(generate_bars(7, i, 300));
  EXPECT_TRUE(same(many[7], generate_bars(7, 7, 300)));
  const SyntheticBars longer = generate_bars(7, 7, 600);
  EXPECT_TRUE(std::equal(many[7].close.begin(), many[7].close.end(), longer.close.begin()));
}

TEST(Synthetic, BarsAreConsistentPositiveCents) {
  for (std::uint32_t sym = 0; sym < 20; ++sym) {
    const SyntheticBars b = generate_bars(1, sym, 2520);
    EXPECT_GE(b.close[0], 50.0);
    EXPECT_LE(b.close[0], 150.0);
    for (std::size_t t = 0; t < b.close.size(); ++t) {
      ASSERT_GT(b.low[t], 0.0);
      ASSERT_GE(b.high[t], std::max(b.open[t], b.close[t]));
      ASSERT_LE(b.low[t], std::min(b.open[t], b.close[t]));
      ASSERT_GT(b.volume[t], 0.0);
      ASSERT_NEAR(b.close[t] * 100.0, std::round(b.close[t] * 100.0), 1e-6);
    }
  }
}

TEST(Synthetic, AnnualisedVolatilityIsBetweenTheRegimes) {
  // Log-return std over 20 symbols x 10 years should sit between the calm (12%) and turbulent
  // (35%) regime volatilities, with room for jumps and cent rounding.
  double sum = 0.0, sum_sq = 0.0;
  int n = 0;
  for (std::uint32_t sym = 0; sym < 20; ++sym) {
    const SyntheticBars b = generate_bars(5, sym, 2520);
    for (std::size_t t = 1; t < b.close.size(); ++t) {
      const double r = std::log(b.close[t] / b.close[t - 1]);
      sum += r;
      sum_sq += r * r;
      ++n;
    }
  }
  const double vol = std::sqrt((sum_sq - sum * sum / n) / (n - 1) * 252.0);
  EXPECT_GT(vol, 0.12);
  EXPECT_LT(vol, 0.35);
}

TEST(Synthetic, ZeroBarsIsEmpty) { EXPECT_TRUE(generate_bars(1, 1, 0).close.empty()); }

}  // namespace
}  // namespace qg::kernels
