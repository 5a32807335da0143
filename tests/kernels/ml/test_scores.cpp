// Scores against hand computations, including the average-rank treatment of tied scores in
// ROC AUC (scikit-learn's trapezoids through tied points).
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <random>
#include <vector>

#include "qg/kernels/ml/scores.hpp"

namespace qg::kernels::ml {
namespace {

//! The AUC by its definition: over every (positive, negative) pair, 1 when the positive scores
//! higher, 1/2 on a tie, divided by the number of pairs.
double plain_pair_auc(const std::vector<double>& y, const std::vector<double>& s) {
  double right = 0, pairs = 0;
  for (std::size_t i = 0; i < y.size(); ++i)
    for (std::size_t j = 0; j < y.size(); ++j)
      if (y[i] == 1.0 && y[j] == 0.0) {
        pairs += 1;
        right += s[i] > s[j] ? 1.0 : (s[i] == s[j] ? 0.5 : 0.0);
      }
  return right / pairs;
}

TEST(MlScores, RegressionScores) {
  const std::vector<double> y = {1, 2, 3, 4}, p = {1.5, 2, 2, 4};
  EXPECT_DOUBLE_EQ(mse(y, p), (0.25 + 0 + 1 + 0) / 4);
  EXPECT_DOUBLE_EQ(r2(y, p), 1.0 - 1.25 / 5.0);  // SS_tot = 2.25 + .25 + .25 + 2.25
  const std::vector<double> flat = {2, 2};
  EXPECT_EQ(r2(flat, flat), 1.0);
  EXPECT_EQ(r2(flat, std::vector<double>{2, 3}), 0.0);
}

TEST(MlScores, ClassificationScores) {
  const std::vector<double> y = {1, 0};
  EXPECT_DOUBLE_EQ(log_loss(y, std::vector<double>{0.8, 0.3}), -(std::log(0.8) + std::log(0.7)) / 2);
  EXPECT_DOUBLE_EQ(log_loss(y, std::vector<double>{0.0, 1.0}), -std::log(DBL_EPSILON));  // clipped
  EXPECT_DOUBLE_EQ(accuracy(std::vector<double>{1, 0, 1, 0}, std::vector<double>{2, -1, -0.5, 0}), 0.75);
}

// scikit-learn's roc_auc_score docstring-style case: y = 0 0 1 1, s = .1 .4 .35 .8 -> 0.75.
// Ties: y = 0 1 0 1, s = .5 .5 .2 .9: pairs (pos, neg) score 1 when pos ranks higher, 1/2 when
// tied: (.5,.5) 1/2, (.5,.2) 1, (.9,.5) 1, (.9,.2) 1 -> 3.5 / 4.
TEST(MlScores, RocAucWithTies) {
  EXPECT_DOUBLE_EQ(roc_auc(std::vector<double>{0, 0, 1, 1}, std::vector<double>{.1, .4, .35, .8}), 0.75);
  EXPECT_DOUBLE_EQ(roc_auc(std::vector<double>{0, 1, 0, 1}, std::vector<double>{.5, .5, .2, .9}), 0.875);
  EXPECT_DOUBLE_EQ(roc_auc(std::vector<double>{0, 1, 0, 1}, std::vector<double>{1, 1, 1, 1}), 0.5);
  EXPECT_TRUE(std::isnan(roc_auc(std::vector<double>{1, 1}, std::vector<double>{.2, .3})));
}

// Against the definition, by a plain double loop over (positive, negative) pairs: AUC = share of
// pairs ranked right, a tie counting one half. Scores rounded to 0.05 make many ties.
TEST(MlScores, RocAucMatchesThePairCount) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> y(501), s(501);
  for (std::size_t i = 0; i < y.size(); ++i) {
    y[i] = u(rng) < 0.4 ? 1.0 : 0.0;
    s[i] = std::round((0.3 * y[i] + u(rng)) * 20.0) / 20.0;
  }
  const double pair_auc = plain_pair_auc(y, s);
  EXPECT_NEAR(roc_auc(y, s), pair_auc, 1e-12);
  EXPECT_EQ(roc_auc(y, s), pair_auc);  // both are exact counts over the same exact P N
}

// Decision values of any sign (the radix sort orders negatives, both zeros, which tie, and
// infinities), against the same plain pair count: equal bits.
TEST(MlScores, RocAucOfSignedScoresMatchesThePairCount) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> z(0.0, 3.0);
  std::vector<double> y(777), s(777);
  const double specials[] = {0.0, -0.0, INFINITY, -INFINITY, 1e-300, -1e-300};
  for (std::size_t i = 0; i < y.size(); ++i) {
    y[i] = i % 3 == 0 ? 1.0 : 0.0;
    s[i] = i % 7 == 0 ? specials[(i / 7) % 6] : std::round(z(rng) * 8.0) / 8.0 + (y[i] > 0 ? 0.5 : 0.0);
  }
  const double pair_auc = plain_pair_auc(y, s);
  EXPECT_EQ(roc_auc(y, s), pair_auc);
}

}  // namespace
}  // namespace qg::kernels::ml
