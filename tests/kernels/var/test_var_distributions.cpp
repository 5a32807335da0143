// Distribution functions against published values (scipy.stats 1.10 printed them; the normal
// quantiles are the textbook 1.959964 and 2.326348) and the Basel traffic-light table.
#include <gtest/gtest.h>

#include "qg/core/error.hpp"
#include "qg/kernels/var/coverage.hpp"
#include "qg/kernels/var/distributions.hpp"

namespace qg::kernels::var {
namespace {

TEST(VarDistributions, NormalQuantile) {
  EXPECT_NEAR(norm_quantile(0.975), 1.959963984540054, 1e-13);
  EXPECT_NEAR(norm_quantile(0.99), 2.3263478740408408, 1e-13);
  EXPECT_NEAR(norm_quantile(0.025), -1.959963984540054, 1e-13);
  EXPECT_NEAR(norm_cdf(norm_quantile(0.9999)), 0.9999, 1e-15);
}

TEST(VarDistributions, StudentTCdfAndQuantile) {
  EXPECT_NEAR(t_quantile(0.99, 5), 3.3649299989072747, 1e-11);
  // nu = 4 has a closed-form quantile (Shaw 2006): with q = cos(acos(sqrt(x)) / 3) / sqrt(x),
  // x = 4p(1-p), t = 2 sqrt(q - 1) = 2.1318467863266495 at p = 0.95 (scipy's ppf is 5e-9 off).
  EXPECT_NEAR(t_quantile(0.95, 4), 2.1318467863266495, 1e-12);
  EXPECT_NEAR(t_cdf(-1.3, 7), 0.11738391769618858, 1e-14);
  EXPECT_NEAR(t_cdf(2.1, 1), 0.858536971878491, 1e-14);  // Cauchy
  EXPECT_NEAR(t_cdf(0.7, 10), 0.7500562149135578, 1e-14);
  // Large nu approaches the normal.
  EXPECT_NEAR(t_quantile(0.99, 1000), norm_quantile(0.99), 5e-3);
}

TEST(VarDistributions, ChiSquareTails) {
  EXPECT_NEAR(chi2_sf(3.2, 1), 0.07363827012030258, 1e-14);
  EXPECT_NEAR(chi2_sf(5.1, 2), 0.07808166600115318, 1e-14);
  EXPECT_EQ(chi2_sf(0.0, 1), 1.0);
}

// Basel Committee (1996), "Supervisory framework for the use of backtesting", Table 2:
// 250 days at 99%: cumulative probabilities 89.22% at 4, 95.88% at 5, 99.97% at 9, 99.99% at 10.
// Values outside the old closed forms' reach (far tails, chi-square df > 2), printed once by
// scipy.stats 1.10.1: norm.ppf, t.ppf / t.cdf / t.pdf, chi2.sf and binom.cdf at these arguments.
TEST(VarDistributions, MatchScipyInTheTailsAndForAnyDegreesOfFreedom) {
  EXPECT_NEAR(norm_quantile(1e-10), -6.361340902404056, 1e-13);
  EXPECT_NEAR(norm_quantile(0.9999), 3.719016485455709, 1e-13);
  EXPECT_EQ(norm_quantile(0.5), 0.0);
  EXPECT_NEAR(t_quantile(0.999, 3), 10.214531852405331, 1e-11);
  EXPECT_NEAR(t_quantile(0.975, 30), 2.0422724563012373, 1e-13);
  EXPECT_NEAR(t_cdf(-5.0, 3), 0.007696219036651148, 1e-16);
  EXPECT_NEAR(t_pdf(1.5, 6), 0.12555563464873779, 1e-15);
  EXPECT_NEAR(chi2_sf(10.0, 3), 0.01856613546304325, 1e-16);
  EXPECT_NEAR(chi2_sf(60.0, 1), 9.485737571073857e-15, 1e-27);
  EXPECT_NEAR(chi2_sf(7.5, 5), 0.186029833602867, 1e-15);
  EXPECT_NEAR(binomial_cdf(3, 1000, 0.01), 0.010072654772014291, 1e-15);
  EXPECT_NEAR(binomial_cdf(20, 250, 0.05), 0.9851434048791329, 1e-14);
}

TEST(VarDistributions, RejectArgumentsOutsideTheirDomain) {
  EXPECT_THROW(norm_quantile(0.0), KernelError);
  EXPECT_THROW(norm_quantile(1.0), KernelError);
  EXPECT_THROW(t_quantile(0.5, 0), KernelError);
  EXPECT_THROW(chi2_sf(1.0, 0), KernelError);
}

TEST(VarDistributions, BaselTrafficLightTable) {
  EXPECT_NEAR(binomial_cdf(4, 250, 0.01), 0.892188, 1e-6);
  EXPECT_NEAR(binomial_cdf(5, 250, 0.01), 0.958817, 1e-6);
  for (int x = 0; x <= 4; ++x) EXPECT_EQ(traffic_light(x, 250, 0.99), Zone::kGreen) << x;
  for (int x = 5; x <= 9; ++x) EXPECT_EQ(traffic_light(x, 250, 0.99), Zone::kYellow) << x;
  for (int x = 10; x <= 30; ++x) EXPECT_EQ(traffic_light(x, 250, 0.99), Zone::kRed) << x;
}

}  // namespace
}  // namespace qg::kernels::var
