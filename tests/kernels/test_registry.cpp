// The strategy registry and evaluate_block.
#include <gtest/gtest.h>

#include <vector>

#include "qg/core/error.hpp"
#include "qg/kernels/backtest.hpp"
#include "qg/kernels/strategy.hpp"
#include "test_util.hpp"

namespace qg::kernels {
namespace {

TEST(Registry, ListsTheSixBuiltInsSorted) {
  const std::vector<std::string_view> expected = {"bollinger", "donchian", "ema_crossover",
                                                  "momentum",  "rsi",      "sma_crossover"};
  EXPECT_EQ(strategy_kinds(), expected);
  for (std::string_view kind : expected) {
    const Strategy* s = find_strategy(kind);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->kind(), kind);
    EXPECT_FALSE(s->params().empty());
  }
  EXPECT_EQ(find_strategy("no_such_strategy"), nullptr);
}

TEST(Registry, ParamRangesFollowTheSpec) {
  const auto& sma = find_strategy("sma_crossover")->params();
  EXPECT_EQ(sma[0].min, 1);
  EXPECT_EQ(sma[1].min, 2);
  EXPECT_EQ(sma[1].max, 10000);
  const auto& boll = find_strategy("bollinger")->params();
  EXPECT_FALSE(boll[1].integer);
  EXPECT_EQ(boll[1].min, 0.1);
  EXPECT_EQ(boll[1].max, 10);
}

TEST(EvaluateBlock, EqualsPositionsThenReferenceMetrics) {
  const PreparedSeries series = testing::synthetic(11, 0, 400);
  std::vector<std::int8_t> scratch;
  for (std::string_view kind : strategy_kinds()) {
    const Strategy& s = *find_strategy(kind);
    const std::vector<double> sets = testing::random_sets(s, 13, 50, 3);
    const int n_params = static_cast<int>(s.params().size());
    std::vector<double> metrics(13 * kNumMetrics);
    evaluate_block(s, series, sets.data(), 13, PositionMode::kLongShort, 0.0005, metrics.data(), scratch);
    for (int j = 0; j < 13; ++j) {
      const std::span<const double> set(sets.data() + j * n_params, static_cast<std::size_t>(n_params));
      const auto ref = backtest_metrics_ref(series, s.positions_ref(series, set, PositionMode::kLongShort), 0.0005);
      for (int m = 0; m < kNumMetrics; ++m)
        EXPECT_NEAR(metrics[j * kNumMetrics + m], ref[m], 1e-9 * std::abs(ref[m]) + 1e-12) << kind << " set " << j;
    }
  }
}

TEST(EvaluateBlock, RejectsWindowsBelowOne) {
  const PreparedSeries series = testing::random_walk(1, 20);
  std::vector<std::int8_t> scratch;
  std::vector<double> metrics(kNumMetrics);
  const std::vector<double> bad = {0, 5};
  EXPECT_THROW(evaluate_block(*find_strategy("sma_crossover"), series, bad.data(), 1, PositionMode::kLongFlat, 0.0,
                              metrics.data(), scratch),
               KernelError);
}

}  // namespace
}  // namespace qg::kernels
