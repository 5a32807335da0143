// The streaming feature evaluator of the live node against the batch kernel: every row of
// FeatureStream equals the row of compute_features on the same closes on every bar (lagged
// returns bit for bit, RSI and rolling moments to 1e-11 relative; past several resyncs of the
// rolling sums, and through flat stretches), NaN exactly where the batch has NaN, and agrees
// with the plain-loop reference; its memory is the longest window, whatever the history.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "ml_test_util.hpp"
#include "qg/core/error.hpp"
#include "qg/kernels/ml/feature_stream.hpp"

namespace qg::kernels::ml {
namespace {

const std::vector<FeatureSpec> kAll = {{FeatureKind::kLaggedReturns, 3}, {FeatureKind::kVolatility, 5},
                                       {FeatureKind::kRsi, 14},          {FeatureKind::kSmaRatio, 20},
                                       {FeatureKind::kZscore, 20},       {FeatureKind::kSkew, 20},
                                       {FeatureKind::kVolatility, 2},    {FeatureKind::kSkew, 3},
                                       {FeatureKind::kRsi, 1},           {FeatureKind::kSmaRatio, 1}};

//! Relative difference allowed between the stream and the batch kernel on rolling moments (a
//! z-score divides the rounding of its mean by a window sd some 20 times smaller than the close).
constexpr double kRounding = 1e-11;

//! Same bits, NaN included.
bool same(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b)); }

//! `check_ref`: also against the plain-loop reference (which has no flat-window rule, so not
//! through flat stretches).
void expect_stream_equals_batch(const std::vector<double>& c, bool check_ref) {
  const auto n = static_cast<Eigen::Index>(c.size());
  Eigen::MatrixXd batch(n, feature_columns(kAll)), ref(n, feature_columns(kAll));
  compute_features(c, kAll, batch);
  compute_features_ref(c, kAll, ref);
  FeatureStream stream(kAll);
  // Lagged returns are the same divisions of the same closes: equal bit for bit. RSI, rolling
  // moments and skew repeat the batch arithmetic, but -march=native lets the compiler fuse
  // multiply-adds differently in the two code paths: equal to rounding.
  std::vector<bool> exact;
  for (const auto& s : kAll)
    for (int k = 0; k < feature_width(s); ++k) exact.push_back(s.kind == FeatureKind::kLaggedReturns);
  for (Eigen::Index t = 0; t < n; ++t) {
    const auto row = stream.step(c[static_cast<std::size_t>(t)]);
    ASSERT_EQ(static_cast<Eigen::Index>(row.size()), batch.cols());
    for (Eigen::Index j = 0; j < batch.cols(); ++j) {
      const double v = row[static_cast<std::size_t>(j)];
      if (exact[static_cast<std::size_t>(j)] || std::isnan(batch(t, j))) {
        ASSERT_TRUE(same(v, batch(t, j))) << "bar " << t << " column " << j << ": " << v << " vs " << batch(t, j);
      } else {
        ASSERT_NEAR(v, batch(t, j), kRounding * std::max(1.0, std::fabs(batch(t, j))))
            << "bar " << t << " column " << j << ": " << v - batch(t, j);
      }
      if (check_ref && !std::isnan(ref(t, j))) {
        ASSERT_NEAR(v, ref(t, j), 1e-9 * std::max(1.0, std::fabs(ref(t, j))));
      }
    }
  }
  EXPECT_EQ(stream.bars(), n);
}

TEST(MlFeatureStream, EqualsBatchOnEveryBarOfARandomWalk) {
  expect_stream_equals_batch(testing::random_closes(5, 3 * static_cast<std::size_t>(kResyncBars) + 41), true);
}

TEST(MlFeatureStream, EqualsBatchOnDriftingPricesAndFlatStretches) {
  auto c = testing::random_closes(17, 2 * static_cast<std::size_t>(kResyncBars) + 90);
  for (std::size_t t = 0; t < c.size(); ++t) c[t] *= 1.0 + 0.01 * static_cast<double>(t);
  for (std::size_t t = 300; t < 340; ++t) c[t] = c[299];  // a flat stretch: zero variance, RSI 50
  expect_stream_equals_batch(c, false);
}

TEST(MlFeatureStream, KeepsTheLongestWindowOnly) {
  // Two returns need three closes; volatility 30 needs 30 returns and the one leaving the
  // window (32 closes); lagged 10 needs 11; sma_ratio 20 needs 21; RSI keeps the previous close.
  EXPECT_EQ(FeatureStream({{FeatureKind::kRsi, 14}}).capacity(), 2u);
  EXPECT_EQ(FeatureStream({{FeatureKind::kLaggedReturns, 10}}).capacity(), 11u);
  EXPECT_EQ(FeatureStream({{FeatureKind::kSmaRatio, 20}, {FeatureKind::kLaggedReturns, 10}}).capacity(), 21u);
  FeatureStream s({{FeatureKind::kVolatility, 30}, {FeatureKind::kSkew, 20}});
  EXPECT_EQ(s.capacity(), 32u);
  for (double c : testing::random_closes(2, 5000)) s.step(c);
  EXPECT_EQ(s.capacity(), 32u);
}

TEST(MlFeatureStream, HandComputedFirstBars) {
  // closes 100, 110, 99: r_1 = 0.1, r_2 = 99/110 - 1 = -0.1; lagged 2 at bar 2 = (r_2, r_1);
  // sma_ratio 2 at bar 2 = 99 / 104.5 - 1; RSI 1 at bar 2: the last move is a loss, so 0.
  FeatureStream s({{FeatureKind::kLaggedReturns, 2}, {FeatureKind::kSmaRatio, 2}, {FeatureKind::kRsi, 1}});
  auto row = s.step(100.0);
  EXPECT_TRUE(std::isnan(row[0]) && std::isnan(row[1]) && std::isnan(row[2]) && std::isnan(row[3]));
  s.step(110.0);
  row = s.step(99.0);
  EXPECT_EQ(row[0], 99.0 / 110.0 - 1.0);
  EXPECT_EQ(row[1], 110.0 / 100.0 - 1.0);
  EXPECT_DOUBLE_EQ(row[2], 99.0 / 104.5 - 1.0);
  EXPECT_DOUBLE_EQ(row[3], 0.0);
}

TEST(MlFeatureStream, RefusesAParameterBelowTheMinimum) {
  EXPECT_THROW(FeatureStream({{FeatureKind::kVolatility, 1}}), KernelError);
}

}  // namespace
}  // namespace qg::kernels::ml
