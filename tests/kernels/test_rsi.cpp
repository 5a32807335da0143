// rsi: positions() against positions_ref(), a hand-checked path, and invalid_reason.
#include <gtest/gtest.h>

#include "qg/kernels/strategy.hpp"
#include "test_util.hpp"

namespace qg::kernels {
namespace {

using testing::close_only;

const Strategy& rsi() { return *find_strategy("rsi"); }

TEST(Rsi, FastMatchesRefOnRandomTickAndSyntheticSeries) { testing::expect_fast_equals_ref_everywhere(rsi(), 60); }

TEST(Rsi, RejectsLowerNotBelowUpper) {
  EXPECT_FALSE(rsi().invalid_reason(std::vector<double>{14, 70, 30}).empty());
  EXPECT_FALSE(rsi().invalid_reason(std::vector<double>{14, 50, 50}).empty());
  EXPECT_TRUE(rsi().invalid_reason(std::vector<double>{14, 30, 70}).empty());
}

// period = 2, lower = 30, upper = 70. d = +1 +1 -1 -1 -1 +1 +2 0 -4 (t = 1..9). By hand:
//   t=2: gain 1, loss 0 (simple means)        RSI 100 (no losses) > 70 -> short / flat
//   t=3: gain 0.5, loss 0.5                   RSI 50                   -> hold
//   t=4: gain 0.25, loss 0.75                 RSI 25 < 30              -> long
//   t=5: gain 0.125, loss 0.875               RSI 12.5                 -> long
//   t=6: gain 0.5625, loss 0.4375             RSI 56.25                -> hold long
//   t=7: gain 1.28125, loss 0.21875           RSI 85.4 > 70            -> short / flat
//   t=8: gain 0.640625, loss 0.109375         RSI 85.4                 -> short / flat
//   t=9: gain 0.3203125, loss 2.0546875       RSI 13.5 < 30            -> long
const std::vector<double> kClose = {10, 11, 12, 11, 10, 9, 10, 12, 12, 8};

TEST(Rsi, HandCheckedLongShort) {
  const std::vector<int> expected = {0, 0, -1, -1, 1, 1, 1, -1, -1, 1};
  EXPECT_EQ(testing::ref_positions(rsi(), close_only(kClose), {2, 30, 70}, PositionMode::kLongShort), expected);
  EXPECT_EQ(testing::fast_positions(rsi(), close_only(kClose), {2, 30, 70}, PositionMode::kLongShort), expected);
}

TEST(Rsi, HandCheckedLongFlat) {
  const std::vector<int> expected = {0, 0, 0, 0, 1, 1, 1, 0, 0, 1};
  EXPECT_EQ(testing::ref_positions(rsi(), close_only(kClose), {2, 30, 70}, PositionMode::kLongFlat), expected);
  EXPECT_EQ(testing::fast_positions(rsi(), close_only(kClose), {2, 30, 70}, PositionMode::kLongFlat), expected);
}

TEST(Rsi, FlatPricesGiveFiftyAndNoPosition) {
  // No gains and no losses: RSI 50, inside (30, 70), so the book never leaves flat.
  const std::vector<double> flat(12, 25.0);
  const std::vector<int> expected(12, 0);
  EXPECT_EQ(testing::fast_positions(rsi(), close_only(flat), {3, 30, 70}, PositionMode::kLongShort), expected);
  // With lower = 55 the same RSI of 50 is below it: long from t = period.
  const std::vector<int> p = testing::fast_positions(rsi(), close_only(flat), {3, 55, 70}, PositionMode::kLongShort);
  EXPECT_EQ(p[2], 0);
  EXPECT_EQ(p[3], 1);
}

}  // namespace
}  // namespace qg::kernels
