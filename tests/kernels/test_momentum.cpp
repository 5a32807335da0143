// momentum: positions() against positions_ref(), and a hand-checked path.
#include <gtest/gtest.h>

#include "qg/kernels/strategy.hpp"
#include "test_util.hpp"

namespace qg::kernels {
namespace {

using testing::close_only;

const Strategy& momentum() { return *find_strategy("momentum"); }

TEST(Momentum, FastMatchesRefOnRandomTickAndSyntheticSeries) {
  testing::expect_fast_equals_ref_everywhere(momentum(), 60);
}

// lookback = 2: compare c[t] with c[t-2]. By hand:
//   t=2: 10 vs 10 tie -> 0     t=5: 10 vs 12 below -> -1
//   t=3: 12 vs 11 up  -> +1    t=6:  9 vs 10 below -> -1
//   t=4: 10 vs 10 tie -> 0     t=7: 11 vs 10 up    -> +1
const std::vector<double> kClose = {10, 11, 10, 12, 10, 10, 9, 11};

TEST(Momentum, HandCheckedLongShort) {
  const std::vector<int> expected = {0, 0, 0, 1, 0, -1, -1, 1};
  EXPECT_EQ(testing::ref_positions(momentum(), close_only(kClose), {2}, PositionMode::kLongShort), expected);
  EXPECT_EQ(testing::fast_positions(momentum(), close_only(kClose), {2}, PositionMode::kLongShort), expected);
}

TEST(Momentum, HandCheckedLongFlat) {
  const std::vector<int> expected = {0, 0, 0, 1, 0, 0, 0, 1};
  EXPECT_EQ(testing::ref_positions(momentum(), close_only(kClose), {2}, PositionMode::kLongFlat), expected);
  EXPECT_EQ(testing::fast_positions(momentum(), close_only(kClose), {2}, PositionMode::kLongFlat), expected);
}

}  // namespace
}  // namespace qg::kernels
