// Ruin (ruin.hpp, docs/strategies.md): a bar with net return <= -1 loses the whole equity and
// ends the strategy. Hand-computed cases for the reference and the fast kernels, the fast
// kernels against the reference on series with spikes that ruin some paths, and apply_ruin.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "qg/kernels/backtest.hpp"
#include "qg/kernels/ruin.hpp"
#include "qg/kernels/strategy.hpp"
#include "test_util.hpp"

namespace qg::kernels {
namespace {

using testing::close_only;
using testing::random_paths;

double metric(const std::array<double, kNumMetrics>& m, Metric k) { return m[static_cast<int>(k)]; }

std::array<double, kNumMetrics> fast_metrics(const PreparedSeries& s, const std::vector<std::int8_t>& pos,
                                             double cost) {
  std::array<double, kNumMetrics> m{};
  backtest_metrics(s, pos.data(), 1, cost, m.data());
  return m;
}

// Closes 100, 100, 300, 100, 100 (a bad tick at bar 2) -> r = 0, 2, -2/3, 0 (t = 1..4).
// Short throughout: pos = -1 at every close, held h = 0, -1, -1, -1, -1. Cost 0.001 per unit.
//   net1 = -0.001 (entry cost); net2 = -1 * 2 = -2 <= -1: ruin, counted as -1; flat after it:
//   net3 = net4 = 0 (without the rule: equity -0.999, then -1.665 at bar 3, and so on).
//   E = 1, 0.999, 0, 0, 0 -> total_return -1, cagr -1, max_drawdown 1, calmar -1 / 1 = -1.
//   net = -0.001, -1, 0, 0: mean -0.25025; squared deviations sum 0.74950075 (ddof 1: / 3);
//   downside squares 0.000001 + 1 = 1.000001, / 4 bars.
//   trades 1 (the entry; the exit forced by ruin is no trade), turnover 1, exposure 2/4 (held
//   at bars 1 and 2); the short closes at the ruin bar, lost: win_rate 0 / 1.
TEST(Ruin, ShortRuinedByABadTickHandComputed) {
  const PreparedSeries s = close_only({100, 100, 300, 100, 100});
  const std::vector<std::int8_t> pos = {-1, -1, -1, -1, -1};
  const double sd = std::sqrt(0.74950075 / 3.0);
  for (const auto& m : {backtest_metrics_ref(s, pos, 0.001), fast_metrics(s, pos, 0.001)}) {
    EXPECT_DOUBLE_EQ(metric(m, Metric::kTotalReturn), -1.0);
    EXPECT_DOUBLE_EQ(metric(m, Metric::kCagr), -1.0);
    EXPECT_DOUBLE_EQ(metric(m, Metric::kMaxDrawdown), 1.0);
    EXPECT_DOUBLE_EQ(metric(m, Metric::kCalmar), -1.0);
    EXPECT_NEAR(metric(m, Metric::kSharpe), -0.25025 / sd * std::sqrt(252.0), 1e-12);
    EXPECT_NEAR(metric(m, Metric::kSortino), -0.25025 / std::sqrt(1.000001 / 4.0) * std::sqrt(252.0), 1e-12);
    EXPECT_NEAR(metric(m, Metric::kVolatility), sd * std::sqrt(252.0), 1e-12);
    EXPECT_EQ(metric(m, Metric::kTrades), 1.0);
    EXPECT_EQ(metric(m, Metric::kTurnover), 1.0);
    EXPECT_EQ(metric(m, Metric::kExposure), 0.5);
    EXPECT_EQ(metric(m, Metric::kWinRate), 0.0);
  }
}

// Costs alone: k = 0.6 and a flip from long to short costs 2k = 1.2, so the flip bar ruins the
// book even on a flat price. Closes 10 x 5 (r = 0), pos = 1, -1, -1, 0, 1:
//   h = 0, 1, -1, -1, 0: net1 = -0.6, net2 = -1.2 -> -1 (ruin), then 0, 0.
//   trades 2 (t = 1, 2), turnover 1 + 2 = 3, exposure 2/4; trips: the long closes at bar 2 with
//   growth (1 - 0.6)(1 - 0.6) = 0.16 (a loss), the short opens there and is ruined: 2 closed, 0 won.
TEST(Ruin, CostsOfAFlipRuinTheBook) {
  const PreparedSeries s = close_only({10, 10, 10, 10, 10});
  const std::vector<std::int8_t> pos = {1, -1, -1, 0, 1};
  for (const auto& m : {backtest_metrics_ref(s, pos, 0.6), fast_metrics(s, pos, 0.6)}) {
    EXPECT_DOUBLE_EQ(metric(m, Metric::kTotalReturn), -1.0);
    EXPECT_DOUBLE_EQ(metric(m, Metric::kMaxDrawdown), 1.0);
    EXPECT_EQ(metric(m, Metric::kTrades), 2.0);
    EXPECT_EQ(metric(m, Metric::kTurnover), 3.0);
    EXPECT_EQ(metric(m, Metric::kExposure), 0.5);
    EXPECT_EQ(metric(m, Metric::kWinRate), 0.0);
  }
}

// A range [3, 6) that starts inside a short opened before it (closes 100, 100, 100, 250, 100,
// 100: r3 = 1.5 ruins the short at the range's first bar). The carried trip is not counted
// (range convention), so no trip closes: win_rate 0 with 0 closed; no trade inside the range;
// exposure 1/3; total_return -1, max_drawdown 1.
TEST(Ruin, RangeRuinedAtItsFirstBarByACarriedTrip) {
  const PreparedSeries s = close_only({100, 100, 100, 250, 100, 100});
  const std::vector<std::int8_t> pos = {0, -1, -1, -1, -1, -1};
  std::array<double, kNumMetrics> fast{};
  backtest_metrics_range(s, PositionRows{pos.data(), 1, {0, s.size()}}, 0.0, {3, 6}, fast.data());
  for (const auto& m : {backtest_metrics_range_ref(s, pos, 0.0, {3, 6}), fast}) {
    EXPECT_DOUBLE_EQ(metric(m, Metric::kTotalReturn), -1.0);
    EXPECT_DOUBLE_EQ(metric(m, Metric::kMaxDrawdown), 1.0);
    EXPECT_EQ(metric(m, Metric::kTrades), 0.0);
    EXPECT_DOUBLE_EQ(metric(m, Metric::kExposure), 1.0 / 3.0);
    EXPECT_EQ(metric(m, Metric::kWinRate), 0.0);
  }
}

std::vector<std::int8_t> path_of(const std::vector<std::int8_t>& pos, std::int64_t n_bars, int n_sets, int j) {
  std::vector<std::int8_t> path;
  for (std::int64_t t = 0; t < n_bars; ++t) path.push_back(pos[static_cast<std::size_t>(t * n_sets + j)]);
  return path;
}

//! Fast range metrics of every set equal the reference's; returns how many sets were ruined.
int expect_fast_equals_ref(const PreparedSeries& s, int n_sets, double cost, BarRange range, std::uint32_t seed) {
  const std::vector<std::int8_t> pos = random_paths(s.size(), n_sets, seed);
  std::vector<double> fast(static_cast<std::size_t>(n_sets * kNumMetrics));
  backtest_metrics_range(s, PositionRows{pos.data(), n_sets, {0, s.size()}}, cost, range, fast.data());
  int ruined = 0;
  for (int j = 0; j < n_sets; ++j) {
    const auto ref = backtest_metrics_range_ref(s, path_of(pos, s.size(), n_sets, j), cost, range);
    ruined += metric(ref, Metric::kTotalReturn) == -1.0 ? 1 : 0;
    for (int m = 0; m < kNumMetrics; ++m) {
      const double f = fast[static_cast<std::size_t>(j * kNumMetrics + m)];
      EXPECT_NEAR(f, ref[m], 1e-9 * std::max(std::abs(f), std::abs(ref[m])) + 1e-12)
          << "set " << j << ", range [" << range.begin << ", " << range.end << "), " << metric_names()[m];
    }
  }
  return ruined;
}

TEST(Ruin, FastMatchesRefOnSpikySeries) {
  const PreparedSeries s = testing::spiky_walk(5, 700);
  int ruined = 0;
  for (int n_sets : {1, 7, 13, 64}) {
    ruined += expect_fast_equals_ref(s, n_sets, 0.0005, {1, s.size()}, 10 + n_sets);
    ruined += expect_fast_equals_ref(s, n_sets, 0.0005, {250, 600}, 20 + n_sets);
    ruined += expect_fast_equals_ref(s, n_sets, 0.55, {1, s.size()}, 30 + n_sets);  // flips ruin: 2k > 1
  }
  EXPECT_GT(ruined, 20) << "the spikes should ruin many of the paths";
}

TEST(Ruin, FusedStrategiesMatchTheReferenceOnSpikySeries) {
  const PreparedSeries series = testing::spiky_walk(8, 500);
  for (std::string_view kind : strategy_kinds()) {
    const Strategy& s = *find_strategy(kind);
    const std::vector<double> sets = testing::random_sets(s, 19, 40, 3);
    const int n_sets = static_cast<int>(sets.size() / s.params().size());
    std::vector<double> fused(static_cast<std::size_t>(n_sets) * kNumMetrics);
    std::vector<std::int8_t> scratch;
    evaluate_block(s, series, sets.data(), n_sets, PositionMode::kLongShort, 0.001, fused.data(), scratch);
    for (int j = 0; j < n_sets; ++j) {
      const std::span<const double> set(sets.data() + j * s.params().size(), s.params().size());
      const auto ref = backtest_metrics_ref(series, s.positions_ref(series, set, PositionMode::kLongShort), 0.001);
      for (int m = 0; m < kNumMetrics; ++m) {
        const double f = fused[static_cast<std::size_t>(j * kNumMetrics + m)];
        EXPECT_NEAR(f, ref[m], 1e-9 * std::max(std::abs(f), std::abs(ref[m])) + 1e-12)
            << kind << " set " << j << " " << metric_names()[m];
      }
    }
  }
}

TEST(Ruin, ApplyRuinClampsTheRuinBarAndZeroesTheRest) {
  std::vector<double> net = {0.01, -0.5, -1.0, 0.3, -2.0, 0.1};  // -1.0 at index 2 is ruin already
  EXPECT_EQ(apply_ruin(net), 2u);
  EXPECT_EQ(net, (std::vector<double>{0.01, -0.5, -1.0, 0.0, 0.0, 0.0}));
  std::vector<double> spike = {0.0, -3.5, 0.2};
  EXPECT_EQ(apply_ruin(spike), 1u);
  EXPECT_EQ(spike, (std::vector<double>{0.0, -1.0, 0.0}));
  std::vector<double> fine = {-0.999, 0.5};
  EXPECT_EQ(apply_ruin(fine), 2u);  // never ruined: unchanged, index = size
  EXPECT_EQ(fine, (std::vector<double>{-0.999, 0.5}));
}

}  // namespace
}  // namespace qg::kernels
