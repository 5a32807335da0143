// Black-Scholes against Hull (Options, Futures and Other Derivatives, Example 15.6 / 13.6:
// S = 42, K = 40, r = 0.1, sigma = 0.2, T = 0.5: call 4.76, put 0.81), put-call parity, and
// the vectorised block pricer against the scalar one.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "qg/kernels/var/black_scholes.hpp"

namespace qg::kernels::var {
namespace {

TEST(VarBlackScholes, HullExample) {
  EXPECT_NEAR(bs_price(OptionType::kCall, 42, 40, 0.5, 0.1, 0.2), 4.76, 5e-3);
  EXPECT_NEAR(bs_price(OptionType::kPut, 42, 40, 0.5, 0.1, 0.2), 0.81, 5e-3);
  EXPECT_NEAR(bs_price(OptionType::kCall, 42, 40, 0.5, 0.1, 0.2), 4.759422392871532, 1e-12);
  EXPECT_NEAR(bs_delta(OptionType::kCall, 42, 40, 0.5, 0.1, 0.2), 0.779131290942669, 1e-12);
}

TEST(VarBlackScholes, PutCallParity) {
  for (double s : {20.0, 40.0, 55.0, 100.0})
    for (double t : {0.01, 0.25, 2.0}) {
      const double c = bs_price(OptionType::kCall, s, 40, t, 0.03, 0.3);
      const double p = bs_price(OptionType::kPut, s, 40, t, 0.03, 0.3);
      EXPECT_NEAR(c - p, s - 40 * std::exp(-0.03 * t), 1e-10) << s << " " << t;
    }
}

TEST(VarBlackScholes, ExpiredAndWorthlessUnderlying) {
  EXPECT_EQ(bs_price(OptionType::kCall, 45, 40, 0.0, 0.1, 0.2), 5.0);
  EXPECT_EQ(bs_price(OptionType::kPut, 45, 40, -0.1, 0.1, 0.2), 0.0);
  EXPECT_EQ(bs_price(OptionType::kCall, -1, 40, 0.5, 0.0, 0.2), 0.0);
  EXPECT_NEAR(bs_price(OptionType::kPut, 0, 40, 0.5, 0.0, 0.2), 40.0, 1e-12);
}

TEST(VarBlackScholes, BlockMatchesScalar) {
  std::vector<double> spots;
  for (int i = 0; i < 999; ++i) spots.push_back(5.0 + 0.1 * i);
  std::vector<double> out(spots.size());
  for (auto type : {OptionType::kCall, OptionType::kPut}) {
    bs_price_block(type, spots.data(), spots.size(), 50, 0.3, 0.02, 0.25, out.data());
    for (std::size_t i = 0; i < spots.size(); ++i) {
      const double ref = bs_price(type, spots[i], 50, 0.3, 0.02, 0.25);
      EXPECT_NEAR(out[i], ref, 1e-12 * std::max(1.0, ref)) << i;
    }
  }
}

}  // namespace
}  // namespace qg::kernels::var
