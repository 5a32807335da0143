// ema_crossover: positions() against positions_ref(), and a hand-checked path.
#include <gtest/gtest.h>

#include "qg/kernels/strategy.hpp"
#include "test_util.hpp"

namespace qg::kernels {
namespace {

using testing::close_only;

const Strategy& ema() { return *find_strategy("ema_crossover"); }

TEST(EmaCrossover, FastMatchesRefOnRandomTickAndSyntheticSeries) {
  testing::expect_fast_equals_ref_everywhere(ema(), 60);
}

// fast = 1 (alpha 1: the close itself) against slow = 3 (alpha 0.5), all values exact in binary:
//   EMA3 = 10, 10, 10, 11.5, 12.25, 9.625, 8.3125, 7.65625, 8.828125, 9.4140625
//   close = 10, 10, 10, 13,   13,    7,     7,      7,       10,       10
// Warm-up is t < 2. t=2 is a tie (0); t=3,4 above (+1); t=5..7 below (-1); t=8,9 above (+1).
const std::vector<double> kClose = {10, 10, 10, 13, 13, 7, 7, 7, 10, 10};

TEST(EmaCrossover, HandCheckedLongShort) {
  const std::vector<int> expected = {0, 0, 0, 1, 1, -1, -1, -1, 1, 1};
  EXPECT_EQ(testing::ref_positions(ema(), close_only(kClose), {1, 3}, PositionMode::kLongShort), expected);
  EXPECT_EQ(testing::fast_positions(ema(), close_only(kClose), {1, 3}, PositionMode::kLongShort), expected);
}

TEST(EmaCrossover, HandCheckedLongFlat) {
  const std::vector<int> expected = {0, 0, 0, 1, 1, 0, 0, 0, 1, 1};
  EXPECT_EQ(testing::ref_positions(ema(), close_only(kClose), {1, 3}, PositionMode::kLongFlat), expected);
  EXPECT_EQ(testing::fast_positions(ema(), close_only(kClose), {1, 3}, PositionMode::kLongFlat), expected);
}

}  // namespace
}  // namespace qg::kernels
