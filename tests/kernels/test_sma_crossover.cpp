// sma_crossover: positions() against positions_ref(), and a hand-checked path.
#include <gtest/gtest.h>

#include "qg/kernels/strategy.hpp"
#include "test_util.hpp"

namespace qg::kernels {
namespace {

using testing::close_only;

const Strategy& sma() { return *find_strategy("sma_crossover"); }

TEST(SmaCrossover, FastMatchesRefOnRandomTickAndSyntheticSeries) {
  testing::expect_fast_equals_ref_everywhere(sma(), 60);
}

// A grid block in the sweep's lexicographic order: groups of 8 lanes that share the fast window
// while the slow window runs consecutively, groups that straddle a change of fast window, and
// (fast, slow) swapped so that fast runs: every lane-group shape of the fast path, including
// warm-up bars where a run's window reaches before the first bar.
TEST(SmaCrossover, FastMatchesRefOnGridOrderedBlocks) {
  std::vector<double> by_fast, by_slow;
  for (int a = 1; a <= 6; ++a)
    for (int b = 2; b <= 40; ++b) {
      by_fast.insert(by_fast.end(), {double(a), double(b)});
      by_slow.insert(by_slow.end(), {double(b), double(a + 1)});
    }
  for (const auto& series : {testing::tick_walk(5, 300), testing::synthetic(2, 1, 300)})
    for (auto mode : {PositionMode::kLongFlat, PositionMode::kLongShort}) {
      testing::expect_fast_equals_ref(sma(), series, by_fast, mode);
      testing::expect_fast_equals_ref(sma(), series, by_slow, mode);
    }
}

// fast = 1 (the close itself) against slow = 3. Expected values by hand, SMA3[t] = mean(c[t-2..t]):
//   t=2: SMA3 10.2     c 10.3 above -> +1      t=7:  SMA3 10.1     c 10.2  above -> +1
//   t=3: SMA3 10.2333  c 10.2 below -> -1      t=8:  SMA3 10.2     c 10.3  above -> +1
//   t=4: SMA3 10.2     c 10.1 below -> -1      t=9:  SMA3 10.1667  c 10.0  below -> -1
//   t=5: SMA3 10.1     c 10.0 below -> -1      t=10: SMA3 10.12    c 10.06 below -> -1
//   t=6: SMA3 10.0667  c 10.1 above -> +1      t=11: SMA3 10.03    c 10.03 tie   ->  0
// t=0,1 are warm-up. At t=11 the double (10.0+10.06+10.03)/3 is 10.030000000000001, so a plain
// `<` would go short; the 1e-10 relative tolerance calls it a tie.
const std::vector<double> kClose = {10.1, 10.2, 10.3, 10.2, 10.1, 10.0, 10.1, 10.2, 10.3, 10.0, 10.06, 10.03};

TEST(SmaCrossover, HandCheckedLongShort) {
  const std::vector<int> expected = {0, 0, 1, -1, -1, -1, 1, 1, 1, -1, -1, 0};
  EXPECT_EQ(testing::ref_positions(sma(), close_only(kClose), {1, 3}, PositionMode::kLongShort), expected);
  EXPECT_EQ(testing::fast_positions(sma(), close_only(kClose), {1, 3}, PositionMode::kLongShort), expected);
}

TEST(SmaCrossover, HandCheckedLongFlat) {
  const std::vector<int> expected = {0, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0};
  EXPECT_EQ(testing::ref_positions(sma(), close_only(kClose), {1, 3}, PositionMode::kLongFlat), expected);
  EXPECT_EQ(testing::fast_positions(sma(), close_only(kClose), {1, 3}, PositionMode::kLongFlat), expected);
}

TEST(SmaCrossover, WarmUpUsesTheLongerWindowWhenFastExceedsSlow) {
  // fast = 4 > slow = 2: nothing is defined before t = 3.
  const std::vector<int> p = testing::fast_positions(sma(), close_only(kClose), {4, 2}, PositionMode::kLongShort);
  EXPECT_EQ(p[0], 0);
  EXPECT_EQ(p[1], 0);
  EXPECT_EQ(p[2], 0);
  EXPECT_EQ(p, testing::ref_positions(sma(), close_only(kClose), {4, 2}, PositionMode::kLongShort));
}

}  // namespace
}  // namespace qg::kernels
