// Covariance estimators against their plain-loop references, shrinkage, and the Cholesky
// failure diagnosis on a book with a redundant asset.
#include <gtest/gtest.h>

#include <Eigen/Dense>

#include "qg/kernels/var/risk_model.hpp"

namespace qg::kernels::var {
namespace {

Eigen::MatrixXd returns(int t, int n) {
  Eigen::MatrixXd r(t, n);
  for (int i = 0; i < t; ++i)
    for (int j = 0; j < n; ++j) r(i, j) = 0.01 * std::sin(0.7 * i * (j + 1) + j) + 0.001 * ((i * 7 + j * 3) % 5);
  return r;
}

TEST(VarRiskModel, EstimatorsMatchReferences) {
  const Eigen::MatrixXd r = returns(120, 6);
  Eigen::MatrixXd a(6, 6), b(6, 6);
  sample_cov(r, a);
  sample_cov_ref(r, b);
  EXPECT_LT((a - b).cwiseAbs().maxCoeff(), 1e-15);
  ewma_cov(r, 0.94, a);
  ewma_cov_ref(r, 0.94, b);
  EXPECT_LT((a - b).cwiseAbs().maxCoeff(), 1e-15);
  EXPECT_LT((a - a.transpose()).cwiseAbs().maxCoeff(), 1e-18);
}

TEST(VarRiskModel, CholeskyReproducesTheCovariance) {
  const Eigen::MatrixXd r = returns(200, 5);
  Eigen::MatrixXd c(5, 5), l;
  sample_cov(r, c);
  ASSERT_FALSE(cholesky_lower(c, l).has_value());
  EXPECT_LT((l * l.transpose() - c).cwiseAbs().maxCoeff(), 1e-15);
}

TEST(VarRiskModel, CholeskyNamesTheRedundantColumnAndShrinkageFixesIt) {
  Eigen::MatrixXd r = returns(200, 4);
  r.col(3) = 2 * r.col(0) - r.col(2);  // asset 3 is a combination of assets 0 and 2
  Eigen::MatrixXd c(4, 4), l;
  sample_cov(r, c);
  const auto fail = cholesky_lower(c, l);
  ASSERT_TRUE(fail.has_value());
  EXPECT_EQ(fail->pivot, 3);
  ASSERT_EQ(fail->involved.size(), 2u);
  EXPECT_EQ(fail->involved[0], 0);
  EXPECT_EQ(fail->involved[1], 2);
  shrink_to_diagonal(c, 0.1);
  EXPECT_FALSE(cholesky_lower(c, l).has_value());
}

}  // namespace
}  // namespace qg::kernels::var
