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

// reads_high_low() is what the jobs check before running on a closes-only store: a strategy that
// says it reads only closes must give the same reference positions when high and low are
// replaced by the close, and one that says it reads them must not.
TEST(Registry, ReadsHighLowIsTrueExactlyWhenHighAndLowChangeThePositions) {
  const SyntheticBars b = generate_bars(3, 0, 600);
  const PreparedSeries ohlc = testing::from_hlc(b.high, b.low, b.close);
  const PreparedSeries closes = testing::close_only(b.close);
  for (std::string_view kind : strategy_kinds()) {
    const Strategy& s = *find_strategy(kind);
    const std::vector<double> sets = testing::random_sets(s, 8, 60, 17);
    const std::size_t width = s.params().size();
    bool differs = false;
    for (std::size_t j = 0; j * width < sets.size(); ++j) {
      const std::span<const double> set(sets.data() + j * width, width);
      differs = differs || s.positions_ref(ohlc, set, PositionMode::kLongShort) !=
                               s.positions_ref(closes, set, PositionMode::kLongShort);
    }
    EXPECT_EQ(differs, s.reads_high_low()) << kind;
  }
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

namespace qg::kernels {
namespace {

//! Positions (reference) of `kind` with `set` on closes `close` (high = low = close).
std::vector<std::int8_t> ref_positions(std::string_view kind, const std::vector<double>& close,
                                       std::vector<double> set) {
  const PreparedSeries series(BarsView{close, close, close});
  return find_strategy(kind)->positions_ref(series, set, PositionMode::kLongFlat);
}

std::vector<double> ramp(int n, double step) {
  std::vector<double> c;
  for (int i = 0; i < n; ++i) c.push_back(100.0 + step * i);
  return c;
}

TEST(FirstSignalBar, IsTheFirstBarAPositionCanBeTaken) {
  // Series built so that each rule is long as soon as it is defined: then the position is 0 at
  // first_signal_bar - 1 and 1 at first_signal_bar, which pins the documented warm-up exactly.
  std::vector<double> drop(30, 100.0);
  drop[9] = 80.0;  // a sharp drop at bar 9 = bollinger's first bar with window 10
  const struct {
    std::string_view kind;
    std::vector<double> set;
    std::vector<double> close;
    std::int64_t first;
  } cases[] = {
      {"sma_crossover", {3, 8}, ramp(30, 1.0), 7},  // max(fast, slow) - 1
      {"ema_crossover", {3, 8}, ramp(30, 1.0), 7},  // max(fast, slow) - 1
      {"momentum", {5}, ramp(30, 1.0), 5},          // lookback
      {"donchian", {4, 6}, ramp(30, 1.0), 6},       // max(entry, exit)
      {"rsi", {6, 30, 70}, ramp(30, -1.0), 6},      // period
      {"bollinger", {10, 1.0}, drop, 9},            // window - 1
  };
  for (const auto& c : cases) {
    const Strategy& s = *find_strategy(c.kind);
    EXPECT_EQ(s.first_signal_bar(c.set), c.first) << c.kind;
    const auto pos = ref_positions(c.kind, c.close, c.set);
    for (std::int64_t t = 0; t < c.first; ++t) EXPECT_EQ(pos[static_cast<std::size_t>(t)], 0) << c.kind << " bar " << t;
    EXPECT_EQ(pos[static_cast<std::size_t>(c.first)], 1) << c.kind;
  }
}

}  // namespace
}  // namespace qg::kernels
