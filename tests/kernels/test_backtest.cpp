// backtest_metrics: the fast kernel against the plain reference, and hand-computed cases.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "qg/core/error.hpp"
#include "qg/kernels/backtest.hpp"
#include "test_util.hpp"

namespace qg::kernels {
namespace {

using testing::close_only;
using testing::random_paths;

double metric(const std::array<double, kNumMetrics>& m, Metric k) { return m[static_cast<int>(k)]; }

//! Runs the fast kernel on a block and compares every set with the reference: counts exactly,
//! real metrics to 1e-9 relative (with a 1e-12 absolute floor for values that are ~0).
void expect_fast_equals_ref(const PreparedSeries& s, int n_sets, double cost, std::uint32_t seed) {
  const std::vector<std::int8_t> pos = random_paths(s.size(), n_sets, seed);
  std::vector<double> fast(static_cast<std::size_t>(n_sets * kNumMetrics));
  backtest_metrics(s, pos.data(), n_sets, cost, fast.data());
  for (int j = 0; j < n_sets; ++j) {
    std::vector<std::int8_t> path;
    for (std::int64_t t = 0; t < s.size(); ++t) path.push_back(pos[static_cast<std::size_t>(t * n_sets + j)]);
    const auto ref = backtest_metrics_ref(s, path, cost);
    for (int m = 0; m < kNumMetrics; ++m) {
      const double f = fast[static_cast<std::size_t>(j * kNumMetrics + m)];
      const double tol = 1e-9 * std::max(std::abs(f), std::abs(ref[m])) + 1e-12;
      EXPECT_NEAR(f, ref[m], tol) << "set " << j << " of " << n_sets << ", metric " << metric_names()[m];
    }
  }
}

TEST(BacktestMetrics, FastMatchesRefOnRandomPathsManyBlockSizes) {
  // 1, 7, 13 and 67 sets are not multiples of the 8-lane vector width.
  for (int n_sets : {1, 7, 8, 13, 64, 67}) {
    expect_fast_equals_ref(testing::random_walk(7, 500), n_sets, 0.0, 100 + n_sets);
    expect_fast_equals_ref(testing::synthetic(9, 2, 800), n_sets, 0.0005, 200 + n_sets);
  }
}

TEST(BacktestMetrics, FastMatchesRefOnTinySeries) {
  expect_fast_equals_ref(testing::random_walk(8, 2), 5, 0.001, 1);
  expect_fast_equals_ref(testing::random_walk(8, 3), 11, 0.001, 2);
}

// Five bars, closes 100, 110, 99, 99, 108.9 -> r = 0.1, -0.1, 0, 0.1 (t = 1..4).
// pos = 1, 1, 0, -1, 0 -> held h = 0, 1, 1, 0, -1. Cost 0.01 per unit.
//   net1 = 0.1 - 0.01 = 0.09 (entry cost)   net2 = -0.1   net3 = -0.01 (exit cost)
//   net4 = -0.1 - 0.01 = -0.11 (short entry)
//   E = 1, 1.09, 0.981, 0.97119, 0.8643591 -> total return -0.1356409
//   peak 1.09: max drawdown = 1 - 0.8643591/1.09 = 0.20701
//   mean = -0.13/4 = -0.0325; deviations 0.1225 -0.0675 0.0225 -0.0775, squares sum 0.026075
//   downside squares 0.01 + 0.0001 + 0.0121 = 0.0222
//   trades 3 (t=1,3,4), turnover 3, exposure 3/4.
//   The long trip (t=1..2) closes at t=3 with E 0.97119 < E[0] = 1: a loss; the short is still open.
TEST(BacktestMetrics, HandComputedFiveBars) {
  const PreparedSeries s = close_only({100, 110, 99, 99, 108.9});
  const std::vector<std::int8_t> pos = {1, 1, 0, -1, 0};
  const auto ref = backtest_metrics_ref(s, pos, 0.01);
  std::array<double, kNumMetrics> fast{};
  backtest_metrics(s, pos.data(), 1, 0.01, fast.data());

  const double sd = std::sqrt(0.026075 / 3.0);
  const double cagr = std::pow(0.8643591, 252.0 / 4.0) - 1.0;
  for (const auto& m : {ref, fast}) {
    EXPECT_NEAR(metric(m, Metric::kTotalReturn), -0.1356409, 1e-12);
    EXPECT_NEAR(metric(m, Metric::kCagr), cagr, 1e-12);
    EXPECT_NEAR(metric(m, Metric::kSharpe), -0.0325 / sd * std::sqrt(252.0), 1e-10);
    EXPECT_NEAR(metric(m, Metric::kSortino), -0.0325 / std::sqrt(0.0222 / 4.0) * std::sqrt(252.0), 1e-10);
    EXPECT_NEAR(metric(m, Metric::kVolatility), sd * std::sqrt(252.0), 1e-12);
    EXPECT_NEAR(metric(m, Metric::kMaxDrawdown), 0.20701, 1e-12);
    EXPECT_NEAR(metric(m, Metric::kCalmar), cagr / 0.20701, 1e-10);
    EXPECT_EQ(metric(m, Metric::kTrades), 3.0);
    EXPECT_EQ(metric(m, Metric::kTurnover), 3.0);
    EXPECT_EQ(metric(m, Metric::kExposure), 0.75);
    EXPECT_EQ(metric(m, Metric::kWinRate), 0.0);
  }
}

TEST(BacktestMetrics, FlatBookHasZeroEverything) {
  // No position ever: net is 0 on every bar, so std is 0 and sharpe/sortino/calmar are 0 by convention.
  const PreparedSeries s = testing::random_walk(3, 50);
  const std::vector<std::int8_t> pos(50, 0);
  std::array<double, kNumMetrics> fast{};
  backtest_metrics(s, pos.data(), 1, 0.001, fast.data());
  for (const auto& m : {backtest_metrics_ref(s, pos, 0.001), fast})
    for (int k = 0; k < kNumMetrics; ++k) EXPECT_EQ(m[k], 0.0) << metric_names()[k];
}

// Closes 100, 100, 100, 100 (r = 0), pos = 1, 1, 0, 0, cost 0.001 -> h = 0, 1, 1, 0.
// The entry is charged at t=1 (the first bar held) and the exit at t=3 (the first bar flat):
// net = -0.001, 0, -0.001 -> E = 0.999^2 = 0.998001. The one trip loses its two costs.
TEST(BacktestMetrics, CostChargedOnEntryAndExitBars) {
  const PreparedSeries s = close_only({100, 100, 100, 100});
  const std::vector<std::int8_t> pos = {1, 1, 0, 0};
  std::array<double, kNumMetrics> fast{};
  backtest_metrics(s, pos.data(), 1, 0.001, fast.data());
  for (const auto& m : {backtest_metrics_ref(s, pos, 0.001), fast}) {
    EXPECT_NEAR(metric(m, Metric::kTotalReturn), 0.998001 - 1.0, 1e-15);
    EXPECT_NEAR(metric(m, Metric::kMaxDrawdown), 1.0 - 0.998001, 1e-15);
    EXPECT_EQ(metric(m, Metric::kTrades), 2.0);
    EXPECT_EQ(metric(m, Metric::kTurnover), 2.0);
    EXPECT_NEAR(metric(m, Metric::kExposure), 2.0 / 3.0, 1e-15);
    EXPECT_EQ(metric(m, Metric::kWinRate), 0.0);
  }
}

// Closes 100, 110, 110, 99, 99 -> r = 0.1, 0, -0.1, 0. pos = 1, 0, 1, 0, 0, no cost.
// h = 0, 1, 0, 1, 0: trip A held t=1 (E 1 -> 1.1), closes t=2 with E[2] = 1.1 > E[0] = 1: win.
// Trip B held t=3 (E 1.1 -> 0.99), closes t=4 with E[4] = 0.99 < E[2] = 1.1: loss. Win rate 1/2.
TEST(BacktestMetrics, WinRateOnConstructedRoundTrips) {
  const PreparedSeries s = close_only({100, 110, 110, 99, 99});
  const std::vector<std::int8_t> pos = {1, 0, 1, 0, 0};
  std::array<double, kNumMetrics> fast{};
  backtest_metrics(s, pos.data(), 1, 0.0, fast.data());
  for (const auto& m : {backtest_metrics_ref(s, pos, 0.0), fast}) {
    EXPECT_EQ(metric(m, Metric::kWinRate), 0.5);
    EXPECT_EQ(metric(m, Metric::kTrades), 4.0);
  }
}

// Closes 100, 101, 106.05, 106.05 (r = 0.01, 0.05, 0); pos = 1, -1, 0, 0; k = 0.001.
// h = 0, 1, -1, 0. net1 = 0.01 - 0.001 = 0.009; net2 = -0.05 - 0.002 = -0.052 (the flip moves 2
// units); net3 = -0.001. E = 1, 1.009, 0.956532, 0.955575468.
// Each trip pays its own opening and closing cost: the long grows 1.009 * 0.999 = 1.007991 (win);
// the short grows (1 - 0.05 - 0.001) * 0.999 = 0.948051 (loss): win rate 1/2. (Measuring the long
// to E[2] instead would book the short's first bar against it and call both trips losses.)
// Drawdown: 1 - 0.955575468 / 1.009 = 0.052948.
TEST(BacktestMetrics, FlipClosesOneTripAndOpensTheNext) {
  const PreparedSeries s = close_only({100, 101, 106.05, 106.05});
  const std::vector<std::int8_t> pos = {1, -1, 0, 0};
  std::array<double, kNumMetrics> fast{};
  backtest_metrics(s, pos.data(), 1, 0.001, fast.data());
  for (const auto& m : {backtest_metrics_ref(s, pos, 0.001), fast}) {
    EXPECT_NEAR(metric(m, Metric::kTotalReturn), 0.955575468 - 1.0, 1e-12);
    EXPECT_EQ(metric(m, Metric::kTrades), 3.0);
    EXPECT_EQ(metric(m, Metric::kTurnover), 4.0);
    EXPECT_EQ(metric(m, Metric::kWinRate), 0.5);
    EXPECT_NEAR(metric(m, Metric::kMaxDrawdown), 0.052948, 1e-12);
  }
}

TEST(BacktestMetrics, ConstantNonZeroNetHasZeroStd) {
  // Always long on a doubling series: every net return is exactly 1, so std is 0 and sharpe is 0
  // by convention (a two-pass formula alone can leave a rounding residue for other constants).
  const PreparedSeries s = close_only({1, 2, 4, 8, 16});
  const std::vector<std::int8_t> pos = {1, 1, 1, 1, 1};
  std::array<double, kNumMetrics> fast{};
  backtest_metrics(s, pos.data(), 1, 0.0, fast.data());
  for (const auto& m : {backtest_metrics_ref(s, pos, 0.0), fast}) {
    EXPECT_EQ(metric(m, Metric::kSharpe), 0.0);
    EXPECT_EQ(metric(m, Metric::kVolatility), 0.0);
  }
}

TEST(BacktestMetrics, NamesFollowTheEnumOrder) {
  ASSERT_EQ(metric_names().size(), static_cast<std::size_t>(kNumMetrics));
  EXPECT_EQ(metric_names()[0], "total_return");
  EXPECT_EQ(metric_index("sharpe"), static_cast<int>(Metric::kSharpe));
  EXPECT_EQ(metric_index("win_rate"), static_cast<int>(Metric::kWinRate));
  EXPECT_EQ(metric_index("no_such_metric"), -1);
}

TEST(BacktestMetrics, RefRejectsAPathOfTheWrongLength) {
  const PreparedSeries s = close_only({100, 101, 102});
  const std::vector<std::int8_t> pos = {1, 0};
  EXPECT_THROW(backtest_metrics_ref(s, pos, 0.0), KernelError);
}

}  // namespace
}  // namespace qg::kernels
