// The pieces of the run backtest (kernels/src/backtest_runs.hpp) that the strategy tests reach only
// indirectly: the vector helpers it relies on, the direct-product path taken when a series'
// prefix products leave double range, and drawdowns that sit deep inside long runs. Expected
// values come from plain loops and from the per-bar reference, backtest_metrics_ref.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "qg/kernels/backtest.hpp"
#include "qg/kernels/run_tables.hpp"
#include "qg/kernels/series.hpp"
#include "simd.hpp"

namespace qg::kernels {
namespace {

using simd::kWidth;
using simd::VecD;

PreparedSeries series_of(const std::vector<double>& close) { return PreparedSeries(BarsView{close, close, close}); }

void expect_metrics_near_ref(const PreparedSeries& s, const std::vector<std::int8_t>& pos, double cost) {
  std::vector<double> fast(kNumMetrics);
  backtest_metrics(s, pos.data(), 1, cost, fast.data());
  const auto ref = backtest_metrics_ref(s, pos, cost);
  for (int m = 0; m < kNumMetrics; ++m)
    EXPECT_NEAR(fast[static_cast<std::size_t>(m)], ref[static_cast<std::size_t>(m)],
                1e-11 * std::max(1.0, std::abs(ref[static_cast<std::size_t>(m)])))
        << metric_names()[static_cast<std::size_t>(m)];
}

TEST(SimdHelpers, PrefixMaxIsTheRunningMaximumOfTheLanes) {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal;
  for (int trial = 0; trial < 200; ++trial) {
    VecD v;
    for (int l = 0; l < kWidth; ++l) v[l] = trial % 7 == 0 ? 1.0 : normal(rng);  // ties too
    const VecD got = simd::prefix_max(v);
    double running = -std::numeric_limits<double>::infinity();
    for (int l = 0; l < kWidth; ++l) {
      running = std::max(running, v[l]);
      EXPECT_EQ(got[l], running) << "lane " << l;
    }
  }
}

TEST(SimdHelpers, LaneBitsSetsBitLForLaneL) {
  for (unsigned want = 0; want < (1U << kWidth); ++want) {
    VecD a{}, b{};
    for (int l = 0; l < kWidth; ++l) b[l] = (want >> l & 1U) != 0 ? 1.0 : 0.0;
    EXPECT_EQ(simd::lane_bits(a != b), want);
  }
}

TEST(RunTables, SumsAreDifferencesOfPrefixes) {
  const std::vector<double> r = {0.0, 0.1, -0.2, 0.05, 0.3, -0.1};
  const RunTables t(r.data(), 1, 6);
  // Bars [2, 5): r = -0.2, 0.05, 0.3 (sums by hand).
  EXPECT_NEAR(t.sum(2, 5), 0.15, 1e-15);
  EXPECT_NEAR(t.squares(2, 5), 0.04 + 0.0025 + 0.09, 1e-15);
  EXPECT_NEAR(t.downside(1.0, 2, 5), 0.04, 1e-15);
  EXPECT_NEAR(t.downside(-1.0, 2, 5), 0.0025 + 0.09, 1e-15);
  const double* g = t.growth(1.0);  // entry t - 1: prod over bars 1..t of (1 + r)
  EXPECT_NEAR(g[4 - 1] / g[1 - 1], 0.8 * 1.05 * 1.3, 1e-15);
  EXPECT_TRUE(t.growth_ok());
  EXPECT_TRUE(t.short_ruin_bars().empty());
}

TEST(RunBacktest, PrefixProductsOutOfRangeFallBackToDirectProducts) {
  // Closes that grow about 60% a bar for 1,400 bars (the last is 1.6^1399 ~ 1e285, still a
  // double): the long prefix product passes 1e280, so the run kernel multiplies each run's bars
  // directly; the metrics still match the per-bar reference.
  std::vector<double> close(1400);
  for (std::size_t t = 0; t < close.size(); ++t)
    close[t] = std::exp(std::log(1.6) * static_cast<double>(t)) * (1.0 + 0.01 * static_cast<double>(t % 5));
  const PreparedSeries s = series_of(close);
  EXPECT_FALSE(s.run_tables().growth_ok());
  std::vector<std::int8_t> pos(close.size(), 0);
  for (std::size_t t = 0; t < pos.size(); ++t) pos[t] = (t / 37) % 3 == 0 ? 0 : (t / 37) % 3 == 1 ? 1 : -1;
  expect_metrics_near_ref(s, pos, 0.0005);
}

TEST(RunBacktest, DrawdownsDeepInsideLongRunsMatchTheReference) {
  // A random walk held long over long runs with short flat gaps: the largest drawdown falls
  // somewhere inside a run, after earlier runs have set smaller ones.
  std::mt19937_64 rng(11);
  std::normal_distribution<double> shock(0.0003, 0.012);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<double> close(3000, 100.0);
    for (std::size_t t = 1; t < close.size(); ++t) close[t] = close[t - 1] * std::exp(shock(rng));
    const PreparedSeries s = series_of(close);
    std::vector<std::int8_t> pos(close.size(), 1);
    for (std::size_t t = 0; t < pos.size(); ++t)
      if ((t + static_cast<std::size_t>(trial) * 13) % 400 < 3) pos[t] = 0;
    expect_metrics_near_ref(s, pos, 0.0002);
  }
}

}  // namespace
}  // namespace qg::kernels
