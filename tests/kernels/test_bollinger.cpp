// bollinger: positions() against positions_ref(), and a hand-checked path.
#include <gtest/gtest.h>

#include "qg/kernels/strategy.hpp"
#include "test_util.hpp"

namespace qg::kernels {
namespace {

using testing::close_only;

const Strategy& bollinger() { return *find_strategy("bollinger"); }

TEST(Bollinger, FastMatchesRefOnRandomTickAndSyntheticSeries) {
  testing::expect_fast_equals_ref_everywhere(bollinger(), 60);
}

TEST(Bollinger, FastMatchesRefOnLongWindowsAndHighPrices) {
  // Prices near 10,000 with 1-cent moves stress the accuracy of the rolling std.
  std::vector<double> c;
  for (int t = 0; t < 700; ++t) c.push_back(10000.0 + ((t * 37) % 11) / 100.0 + (t / 50) * 0.5);
  for (PositionMode mode : {PositionMode::kLongFlat, PositionMode::kLongShort})
    testing::expect_fast_equals_ref(bollinger(), close_only(c), {2, 0.5, 20, 1.0, 150, 2.0, 333, 0.1}, mode);
}

// window = 3, k = 1. By hand (m = mean, s = population std of the last 3 closes):
//   t=2  (10,10,10) m 10   s 0      c 10: no band crossed                         -> 0
//   t=3  (10,10,7)  m 9    s 1.414  c 7 < 7.586: enter long                      -> +1
//   t=4  (10,7,10)  m 9    s 1.414  c 10 >= m: exit; 10 < 10.414: no short       -> 0
//   t=5  (7,10,13)  m 10   s 2.449  c 13 > 12.449: short (long_short)            -> -1
//   t=6  (10,13,10) m 11   s 1.414  c 10 <= m: exit short; 10 > 9.586: no long   -> 0
//   t=7  (13,10,10) m 11   s 1.414  c 10 inside the band                         -> 0
//   t=8  (10,10,13) m 11   s 1.414  c 13 > 12.414: short                         -> -1
//   t=9  (10,13,13) m 12   s 1.414  c 13 > m: hold short                         -> -1
//   t=10 (13,13,10) m 12   s 1.414  c 10 <= m: exit; 10 < 10.586: long, same bar -> +1
//   t=11 (13,10,11) m 11.33 s 1.247 c 11 < m: hold long                          -> +1
//   t=12 (10,11,12) m 11   s 0.816  c 12 >= m: exit; 12 > 11.816: short          -> -1
// In long_flat the shorts are flat.
const std::vector<double> kClose = {10, 10, 10, 7, 10, 13, 10, 10, 13, 13, 10, 11, 12};

TEST(Bollinger, HandCheckedLongShort) {
  const std::vector<int> expected = {0, 0, 0, 1, 0, -1, 0, 0, -1, -1, 1, 1, -1};
  EXPECT_EQ(testing::ref_positions(bollinger(), close_only(kClose), {3, 1.0}, PositionMode::kLongShort), expected);
  EXPECT_EQ(testing::fast_positions(bollinger(), close_only(kClose), {3, 1.0}, PositionMode::kLongShort), expected);
}

TEST(Bollinger, HandCheckedLongFlat) {
  const std::vector<int> expected = {0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0};
  EXPECT_EQ(testing::ref_positions(bollinger(), close_only(kClose), {3, 1.0}, PositionMode::kLongFlat), expected);
  EXPECT_EQ(testing::fast_positions(bollinger(), close_only(kClose), {3, 1.0}, PositionMode::kLongFlat), expected);
}

}  // namespace
}  // namespace qg::kernels
