// donchian: positions() against positions_ref(), and a hand-checked path.
#include <gtest/gtest.h>

#include "qg/kernels/strategy.hpp"
#include "test_util.hpp"

namespace qg::kernels {
namespace {

using testing::close_only;

const Strategy& donchian() { return *find_strategy("donchian"); }

TEST(Donchian, FastMatchesRefOnRandomTickAndSyntheticSeries) {
  testing::expect_fast_equals_ref_everywhere(donchian(), 60);
}

// entry = 3, exit = 2, close-only bars (high = low = close). Channels use the bars before t.
//   t=3  c 13 > max(10,11,12)=12: long                                               -> +1
//   t=4  c 12, exit low min(12,13)=12: 12 is not below it, hold                       -> +1
//   t=5  c 11 < min(13,12)=12: exit; then 11 < min(12,13,12)=12: short (long_short)   -> -1
//   t=6  c 12, exit high max(12,11)=12: not above, hold short                         -> -1
//   t=7  c 14 > max(11,12)=12: exit short; 14 > max(12,11,12)=12: long                -> +1
//   t=8  c 9 < min(12,14)=12: exit; 9 < min(11,12,14)=11: short                       -> -1
//   t=9  c 8, exit high max(14,9)=14: hold short                                      -> -1
//   t=10 c 10 > max(9,8)=9: exit; 10 is inside max/min(14,9,8) = 14/8: flat           ->  0
//   t=11 c 12 > max(9,8,10)=10: long                                                  -> +1
// In long_flat, the short entries at t=5 and t=8 stay flat and the rest is unchanged.
const std::vector<double> kClose = {10, 11, 12, 13, 12, 11, 12, 14, 9, 8, 10, 12};

TEST(Donchian, HandCheckedLongShort) {
  const std::vector<int> expected = {0, 0, 0, 1, 1, -1, -1, 1, -1, -1, 0, 1};
  EXPECT_EQ(testing::ref_positions(donchian(), close_only(kClose), {3, 2}, PositionMode::kLongShort), expected);
  EXPECT_EQ(testing::fast_positions(donchian(), close_only(kClose), {3, 2}, PositionMode::kLongShort), expected);
}

TEST(Donchian, HandCheckedLongFlat) {
  const std::vector<int> expected = {0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1};
  EXPECT_EQ(testing::ref_positions(donchian(), close_only(kClose), {3, 2}, PositionMode::kLongFlat), expected);
  EXPECT_EQ(testing::fast_positions(donchian(), close_only(kClose), {3, 2}, PositionMode::kLongFlat), expected);
}

TEST(Donchian, ChannelsUseHighsAndLowsNotCloses) {
  // Close 11 at t=2 is above the previous closes (10, 10) but not above the previous highs (12, 12).
  const std::vector<double> high = {12, 12, 11.5}, low = {9, 9, 10.5}, close = {10, 10, 11};
  const std::vector<int> expected = {0, 0, 0};
  EXPECT_EQ(testing::fast_positions(donchian(), testing::from_hlc(high, low, close), {2, 2}, PositionMode::kLongShort),
            expected);
}

}  // namespace
}  // namespace qg::kernels
