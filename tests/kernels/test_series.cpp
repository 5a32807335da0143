// PreparedSeries: derived arrays against direct computation, and rejected inputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "qg/core/error.hpp"
#include "qg/kernels/series.hpp"
#include "test_util.hpp"

namespace qg::kernels {
namespace {

TEST(PreparedSeries, ReturnsAndPrefixSumsMatchTheirDefinitions) {
  const std::vector<double> c = {100, 102, 99.5, 101.25};
  const PreparedSeries s = testing::close_only(c);
  ASSERT_EQ(s.size(), 4);
  EXPECT_EQ(s.returns()[0], 0.0);
  for (int t = 1; t < 4; ++t) EXPECT_EQ(s.returns()[t], c[t] / c[t - 1] - 1.0);
  EXPECT_EQ(s.close_prefix()[0], 0.0);
  EXPECT_EQ(s.close_prefix()[4], ((100.0 + 102.0) + 99.5) + 101.25);
  EXPECT_EQ(s.close_sq_prefix()[2], 100.0 * 100.0 + 102.0 * 102.0);
}

TEST(PreparedSeries, RangeExtremesMatchBruteForceOnEveryRange) {
  const PreparedSeries s = testing::random_walk(5, 37);
  for (std::int64_t a = 0; a < s.size(); ++a) {
    for (std::int64_t b = a; b < s.size(); ++b) {
      EXPECT_EQ(s.max_high(a, b), *std::max_element(s.high() + a, s.high() + b + 1)) << a << ".." << b;
      EXPECT_EQ(s.min_low(a, b), *std::min_element(s.low() + a, s.low() + b + 1)) << a << ".." << b;
    }
  }
}

TEST(PreparedSeries, RejectsUnusableInput) {
  const std::vector<double> one = {100};
  EXPECT_THROW(PreparedSeries(BarsView{one, one, one}), KernelError);
  const std::vector<double> zero = {100, 0, 101};
  EXPECT_THROW(PreparedSeries(BarsView{zero, zero, zero}), KernelError);
  const std::vector<double> negative = {100, -1, 101};
  EXPECT_THROW(PreparedSeries(BarsView{negative, negative, negative}), KernelError);
  const std::vector<double> good = {100, 101, 102}, short_high = {100, 101};
  EXPECT_THROW(PreparedSeries(BarsView{short_high, good, good}), KernelError);
}

}  // namespace
}  // namespace qg::kernels
