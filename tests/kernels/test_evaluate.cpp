// Strategy::evaluate (the sweep path: each rule fused into the backtest loop) against two
// independent computations: the plain-loop references (positions_ref then backtest_metrics_ref,
// one set at a time) within 1e-9, and the unfused kernels (positions() then backtest_metrics())
// bit for bit, which is what keeps the sweep's result digests unchanged.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string_view>
#include <vector>

#include "qg/kernels/backtest.hpp"
#include "qg/kernels/strategy.hpp"
#include "test_util.hpp"

namespace qg::kernels {
namespace {

//! Metrics of `sets` through evaluate_block (fused) and through positions() + backtest_metrics().
struct BothPaths {
  std::vector<double> fused, unfused;
};

BothPaths both_paths(const Strategy& s, const PreparedSeries& series, const std::vector<double>& sets,
                     PositionMode mode, double cost) {
  const int n_sets = static_cast<int>(sets.size() / s.params().size());
  BothPaths out{std::vector<double>(static_cast<std::size_t>(n_sets) * kNumMetrics, -7.0),
                std::vector<double>(static_cast<std::size_t>(n_sets) * kNumMetrics, -7.0)};
  std::vector<std::int8_t> scratch;
  evaluate_block(s, series, sets.data(), n_sets, mode, cost, out.fused.data(), scratch);
  std::vector<std::int8_t> pos(static_cast<std::size_t>(series.size() * n_sets));
  s.positions(series, sets.data(), n_sets, mode, pos.data());
  backtest_metrics(series, pos.data(), n_sets, cost, out.unfused.data());
  return out;
}

//! The fused metrics equal the unfused ones bit for bit and the plain references within 1e-9.
void expect_fused_matches(const Strategy& s, const PreparedSeries& series, const std::vector<double>& sets,
                          PositionMode mode) {
  constexpr double kCost = 5e-4;
  const BothPaths m = both_paths(s, series, sets, mode, kCost);
  ASSERT_EQ(std::memcmp(m.fused.data(), m.unfused.data(), m.fused.size() * sizeof(double)), 0)
      << s.kind() << ": fused metrics differ from positions() + backtest_metrics()";
  const std::size_t n_params = s.params().size();
  for (std::size_t j = 0; j < sets.size() / n_params; ++j) {
    const std::span<const double> set(sets.data() + j * n_params, n_params);
    const auto ref = backtest_metrics_ref(series, s.positions_ref(series, set, mode), kCost);
    for (int k = 0; k < kNumMetrics; ++k) {
      const double f = m.fused[j * kNumMetrics + static_cast<std::size_t>(k)];
      EXPECT_NEAR(f, ref[k], 1e-9 * std::max(std::abs(f), std::abs(ref[k])) + 1e-12)
          << s.kind() << " set " << j << " metric " << metric_names()[k];
    }
  }
}

TEST(Evaluate, FusedMatchesReferenceAndUnfusedForEveryKind) {
  for (std::string_view kind : strategy_kinds()) {
    const Strategy& s = *find_strategy(kind);
    for (PositionMode mode : {PositionMode::kLongFlat, PositionMode::kLongShort}) {
      expect_fused_matches(s, testing::random_walk(1, 400), testing::random_sets(s, 37, 60, 11), mode);
      expect_fused_matches(s, testing::tick_walk(2, 500), testing::random_sets(s, 64, 60, 12), mode);
      expect_fused_matches(s, testing::synthetic(3, 5, 600), testing::random_sets(s, 21, 60, 13), mode);
      // windows longer than the series: every lane stays in warm-up
      expect_fused_matches(s, testing::tick_walk(4, 30), testing::random_sets(s, 9, 40, 14), mode);
    }
  }
}

// Grid blocks in the sweep's lexicographic order give sma_crossover every pair of lane-group
// shapes (shared window, 8 consecutive windows, anything else), and groups whose lanes leave
// their warm-up at different bars.
TEST(Evaluate, SmaCrossoverEveryGroupShape) {
  const Strategy& sma = *find_strategy("sma_crossover");
  std::vector<double> by_fast, by_slow, shuffled;
  for (int a = 1; a <= 6; ++a)
    for (int b = 2; b <= 40; ++b) {
      by_fast.insert(by_fast.end(), {double(a), double(b)});
      by_slow.insert(by_slow.end(), {double(b), double(a + 1)});
    }
  for (int j = 0; j < 50; ++j) shuffled.insert(shuffled.end(), {double(1 + j * 7 % 13), double(2 + j * 11 % 37)});
  for (const auto& series : {testing::tick_walk(5, 300), testing::synthetic(2, 1, 300)})
    for (auto mode : {PositionMode::kLongFlat, PositionMode::kLongShort})
      for (const auto* sets : {&by_fast, &by_slow, &shuffled}) expect_fused_matches(sma, series, *sets, mode);
}

// Lexicographic Donchian grids: groups that share an entry window and take consecutive exit
// windows run fused (exit channels widened lane by lane), the others (an entry boundary inside a
// group, exits longer or shorter than the entry, warm-ups ending at different bars) take the
// positions path; both must give the references' metrics and the unfused bits.
TEST(Evaluate, DonchianGridGroups) {
  const Strategy& donchian = *find_strategy("donchian");
  std::vector<double> grid, wide;
  for (int entry = 3; entry <= 9; ++entry)
    for (int exit = 1; exit <= 14; ++exit) grid.insert(grid.end(), {double(entry), double(exit)});
  for (int entry = 20; entry <= 120; entry += 50)
    for (int exit = 5; exit <= 40; ++exit) wide.insert(wide.end(), {double(entry), double(exit)});
  for (const auto& series : {testing::tick_walk(5, 400), testing::synthetic(2, 1, 500), testing::random_walk(9, 30)})
    for (auto mode : {PositionMode::kLongFlat, PositionMode::kLongShort})
      for (const auto* sets : {&grid, &wide}) expect_fused_matches(donchian, series, *sets, mode);
}

// A lexicographic Bollinger grid (k fastest): most groups share one window, whose mean and std
// are broadcast instead of gathered; groups across a window boundary gather.
TEST(Evaluate, BollingerGridGroups) {
  const Strategy& bollinger = *find_strategy("bollinger");
  std::vector<double> grid;
  for (int window = 5; window <= 40; window += 7)
    for (int k = 5; k <= 30; ++k) grid.insert(grid.end(), {double(window), k / 10.0});
  for (const auto& series : {testing::tick_walk(6, 400), testing::synthetic(3, 1, 500)})
    for (auto mode : {PositionMode::kLongFlat, PositionMode::kLongShort})
      expect_fused_matches(bollinger, series, grid, mode);
}

TEST(Evaluate, EmptyBlockWritesNothing) {
  const PreparedSeries series = testing::random_walk(7, 50);
  for (std::string_view kind : strategy_kinds()) {
    double untouched = 3.0;
    std::vector<std::int8_t> scratch;
    evaluate_block(*find_strategy(kind), series, nullptr, 0, PositionMode::kLongFlat, 1e-4, &untouched, scratch);
    EXPECT_EQ(untouched, 3.0) << kind;
  }
}

}  // namespace
}  // namespace qg::kernels
