// The feature catalogue: the fast rolling path against the plain-loop reference on long random
// and adversarial series, and hand-computed values of every kind on a five-bar series.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ml_test_util.hpp"
#include "qg/kernels/ml/features.hpp"

namespace qg::kernels::ml {
namespace {

const std::vector<FeatureSpec> kAll = {{FeatureKind::kLaggedReturns, 3}, {FeatureKind::kVolatility, 5},
                                       {FeatureKind::kRsi, 14},          {FeatureKind::kSmaRatio, 20},
                                       {FeatureKind::kZscore, 20},       {FeatureKind::kSkew, 20},
                                       {FeatureKind::kVolatility, 2},    {FeatureKind::kSkew, 3}};

void expect_close_to_ref(const std::vector<double>& c, double rel) {
  const auto n = static_cast<Eigen::Index>(c.size());
  Eigen::MatrixXd fast(n, feature_columns(kAll)), ref(n, feature_columns(kAll));
  compute_features(c, kAll, fast);
  compute_features_ref(c, kAll, ref);
  for (Eigen::Index j = 0; j < fast.cols(); ++j)
    for (Eigen::Index t = 0; t < n; ++t) {
      if (std::isnan(ref(t, j))) {
        ASSERT_TRUE(std::isnan(fast(t, j))) << "column " << j << " bar " << t;
        continue;
      }
      ASSERT_NEAR(fast(t, j), ref(t, j), rel * std::max(1.0, std::fabs(ref(t, j)))) << "column " << j << " bar " << t;
    }
}

TEST(MlFeatures, NamesWidthsAndWarmUp) {
  EXPECT_EQ(feature_columns(kAll), 10);
  const auto names = feature_names(kAll);
  EXPECT_EQ(names[0], "ret_lag_1");
  EXPECT_EQ(names[2], "ret_lag_3");
  EXPECT_EQ(names[3], "vol_5");
  EXPECT_EQ(names[4], "rsi_14");
  EXPECT_EQ(names[5], "sma_ratio_20");
  EXPECT_EQ(names[6], "zscore_20");
  EXPECT_EQ(names[7], "skew_20");
  // ret_lag_3 needs r_{t-2}, i.e. t >= 3; sma_ratio_20 and zscore_20 need 20 closes (t >= 19);
  // vol_5 and skew_20 need 5 / 20 returns (t >= 5 / 20); RSI's first average is at t = 14.
  EXPECT_EQ(feature_first_bar({FeatureKind::kLaggedReturns, 3}), 3);
  EXPECT_EQ(feature_first_bar({FeatureKind::kSmaRatio, 20}), 19);
  EXPECT_EQ(feature_first_bar({FeatureKind::kVolatility, 5}), 5);
  EXPECT_EQ(feature_first_bar({FeatureKind::kRsi, 14}), 14);
  EXPECT_EQ(features_first_bar(kAll), 20);
  EXPECT_EQ(feature_kind("skew"), FeatureKind::kSkew);
  EXPECT_FALSE(feature_kind("macd").has_value());
}

TEST(MlFeatures, FastEqualsReferenceOnRandomWalk) { expect_close_to_ref(testing::random_closes(3, 3000), 1e-9); }

TEST(MlFeatures, FastEqualsReferenceAcrossResyncs) {
  // Prices drifting far from their start, so the rolling anchor matters.
  auto c = testing::random_closes(11, 2 * kResyncBars + 37);
  for (std::size_t t = 0; t < c.size(); ++t) c[t] *= 1.0 + 0.01 * static_cast<double>(t);
  expect_close_to_ref(c, 1e-9);
}

TEST(MlFeatures, ConstantStretchesGiveZeroNotNoise) {
  std::vector<double> c(300, 50.0);
  for (std::size_t t = 150; t < c.size(); ++t) c[t] = 61.25;  // one jump, then flat again
  Eigen::MatrixXd fast(300, feature_columns(kAll));
  compute_features(c, kAll, fast);
  expect_close_to_ref(c, 1e-9);
  EXPECT_EQ(fast(100, 3), 0.0);   // vol_5 of zero returns
  EXPECT_EQ(fast(100, 6), 0.0);   // zscore of a constant window
  EXPECT_EQ(fast(100, 4), 50.0);  // RSI with neither gains nor losses
  EXPECT_EQ(fast(299, 6), 0.0);
  EXPECT_EQ(fast(299, 7), 0.0);
}

// Closes 10, 11, 9.9, 10.89, 10.89: returns r1 = 0.1, r2 = -0.1, r3 = 0.1, r4 = 0.
TEST(MlFeatures, HandComputedFiveBars) {
  const std::vector<double> c = {10, 11, 9.9, 10.89, 10.89};
  const std::vector<FeatureSpec> specs = {{FeatureKind::kLaggedReturns, 2}, {FeatureKind::kVolatility, 3},
                                          {FeatureKind::kRsi, 2},           {FeatureKind::kSmaRatio, 2},
                                          {FeatureKind::kZscore, 3},        {FeatureKind::kSkew, 3}};
  Eigen::MatrixXd f(5, feature_columns(specs));
  compute_features(c, specs, f);
  EXPECT_TRUE(std::isnan(f(0, 0)));
  EXPECT_NEAR(f(3, 0), 0.1, 1e-12);   // ret_lag_1 at t=3 = r3
  EXPECT_NEAR(f(3, 1), -0.1, 1e-12);  // ret_lag_2 at t=3 = r2
  EXPECT_TRUE(std::isnan(f(1, 1)));
  // vol_3 at t=3: r = 0.1, -0.1, 0.1: mean 1/30, deviations 2/30, -4/30, 2/30, ss = 24/900,
  // sd = sqrt(24/900 / 2) = 0.11547005383792516.
  EXPECT_NEAR(f(3, 2), 0.11547005383792516, 1e-12);
  // RSI 2: changes +1, -1.1, +0.99, 0. First averages (t=2): AG = 0.5, AL = 0.55 -> 47.619...
  // t=3: AG = 0.25 + 0.495 = 0.745, AL = 0.275 -> 100 * 0.745 / 1.02; t=4: AG = 0.3725, AL = 0.1375.
  EXPECT_NEAR(f(2, 3), 100.0 * 0.5 / 1.05, 1e-10);
  EXPECT_NEAR(f(3, 3), 100.0 * 0.745 / 1.02, 1e-10);
  EXPECT_NEAR(f(4, 3), 100.0 * 0.3725 / 0.51, 1e-10);
  EXPECT_NEAR(f(1, 4), 11.0 / 10.5 - 1.0, 1e-12);  // sma_ratio_2 at t=1
  // zscore_3 at t=3: closes 11, 9.9, 10.89: mean 10.596666..., sd (ddof 1) 0.60516...
  const double m = (11 + 9.9 + 10.89) / 3,
               sd = std::sqrt(((11 - m) * (11 - m) + (9.9 - m) * (9.9 - m) + (10.89 - m) * (10.89 - m)) / 2);
  EXPECT_NEAR(f(3, 5), (10.89 - m) / sd, 1e-10);
  // skew_3 at t=3 of 0.1, -0.1, 0.1: m2 = 24/900/3 = 8/900, m3 = (8 - 64 + 8)/27000/3 = -48/81000;
  // G1 = sqrt(6) / 1 * m3 / m2^1.5 = -0.7071067811865476 * sqrt(6) / sqrt(3) ... = -1.7320508075688772.
  EXPECT_NEAR(f(3, 6), -1.7320508075688772, 1e-9);
}

}  // namespace
}  // namespace qg::kernels::ml
