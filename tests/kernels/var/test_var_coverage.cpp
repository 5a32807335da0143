// Kupiec and Christoffersen statistics, hand-computed with the formulas in coverage.hpp:
//   12 days at 95% with exceptions on days 4, 5, 6: x = 3, n = 12, phat = 1/4;
//   transitions n00 = 7, n01 = 1, n10 = 1, n11 = 2; pi01 = 1/8, pi11 = 2/3, pi = 3/11.
//   LR_pof = -2[9 ln .95 + 3 ln .05] + 2[9 ln .75 + 3 ln .25]              = 5.401629469448457
//   LR_ind = -2[8 ln(8/11) + 3 ln(3/11)] + 2[7 ln(7/8) + ln(1/8) + ln(1/3) + 2 ln(2/3)] = 3.0435500128062536
//   LR_cc = 8.44517948225471; p-values 0.020117960344622314, 0.08105847219289405, 0.014660628068322985.
// Jorion's example (Value at Risk, 3rd ed., ch. 6): 250 days at 99% with 7 exceptions gives
// LR_pof = 5.497 (> 3.84: rejected at 5%).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "qg/kernels/var/coverage.hpp"

namespace qg::kernels::var {
namespace {

TEST(VarCoverage, KupiecAndChristoffersenOnAClusteredSequence) {
  const std::vector<std::uint8_t> hits = {0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0};
  const CoverageTest t = coverage_test(hits, 0.95);
  EXPECT_EQ(t.n, 12);
  EXPECT_EQ(t.exceptions, 3);
  EXPECT_EQ(t.n00, 7);
  EXPECT_EQ(t.n01, 1);
  EXPECT_EQ(t.n10, 1);
  EXPECT_EQ(t.n11, 2);
  EXPECT_NEAR(t.lr_pof, 5.401629469448457, 1e-12);
  EXPECT_NEAR(t.p_pof, 0.020117960344622314, 1e-12);
  EXPECT_NEAR(t.lr_ind, 3.0435500128062536, 1e-12);
  EXPECT_NEAR(t.p_ind, 0.08105847219289405, 1e-12);
  EXPECT_NEAR(t.lr_cc, 8.44517948225471, 1e-12);
  EXPECT_NEAR(t.p_cc, 0.014660628068322985, 1e-12);
}

TEST(VarCoverage, JorionKupiecExample) {
  std::vector<std::uint8_t> hits(250, 0);
  for (int d : {10, 50, 90, 130, 170, 210, 240}) hits[static_cast<std::size_t>(d)] = 1;
  const CoverageTest t = coverage_test(hits, 0.99);
  EXPECT_NEAR(t.lr_pof, 5.496990447792683, 1e-10);
  EXPECT_NEAR(t.p_pof, 0.019049230890526535, 1e-10);
  EXPECT_EQ(t.zone, Zone::kYellow);
}

TEST(VarCoverage, NoExceptionsAndIndependentSpacing) {
  const CoverageTest none = coverage_test(std::vector<std::uint8_t>(100, 0), 0.99);
  EXPECT_NEAR(none.lr_pof, -2 * 100 * std::log(0.99), 1e-12);  // phat = 0: 0 ln 0 = 0
  EXPECT_EQ(none.lr_ind, 0.0);
  // pi01 = pi11 = pi: no evidence of clustering.
  const std::vector<std::uint8_t> even = {0, 0, 1, 1, 0, 0, 0, 1, 0, 0};
  EXPECT_NEAR(coverage_test(even, 0.9).lr_ind, 0.0, 1e-12);
}

}  // namespace
}  // namespace qg::kernels::var
