// Linear models: closed forms (simple regression, the intercept-only logistic, the 1-D lasso),
// the optimality conditions of each objective at the returned solution, ridge against its
// plain-loop twin, elastic net with l1_ratio 0 against ridge, and standardisation.
#include <gtest/gtest.h>

#include <cmath>

#include "ml_test_util.hpp"
#include "qg/core/error.hpp"
#include "qg/kernels/ml/linear_model.hpp"
#include "qg/kernels/ml/standardize.hpp"

namespace qg::kernels::ml {
namespace {

// x = 0..3, y = 1 + 2x: Sxx = 5, Sxy = 10, so b = Sxy / (Sxx + alpha), b0 = ybar - xbar b.
TEST(MlRidge, SimpleRegressionClosedForm) {
  Eigen::MatrixXd x(4, 1);
  x << 0, 1, 2, 3;
  Eigen::VectorXd y(4);
  y << 1, 3, 5, 7;
  const auto ols = fit_ridge(x, y, 0.0);
  EXPECT_NEAR(ols.coef(0), 2.0, 1e-12);
  EXPECT_NEAR(ols.intercept, 1.0, 1e-12);
  const auto r = fit_ridge(x, y, 5.0);
  EXPECT_NEAR(r.coef(0), 1.0, 1e-12);
  EXPECT_NEAR(r.intercept, 4.0 - 1.5, 1e-12);
}

TEST(MlRidge, MatchesReferenceAndOptimality) {
  const Eigen::MatrixXd x = testing::random_matrix(1, 500, 13);
  const Eigen::VectorXd y = testing::linear_target(x, 2);
  for (double alpha : {1e-3, 1.0, 250.0, 1e5}) {
    const auto fast = fit_ridge(x, y, alpha), ref = fit_ridge_ref(x, y, alpha);
    for (Eigen::Index j = 0; j < x.cols(); ++j)
      EXPECT_NEAR(fast.coef(j), ref.coef(j), 1e-12 * (1 + std::fabs(ref.coef(j))));
    EXPECT_NEAR(fast.intercept, ref.intercept, 1e-12);
    // Gradient of ||y - Xb - b0||^2 + alpha ||b||^2: X'r = alpha b and sum r = 0.
    const Eigen::VectorXd r = y - predict_linear(fast, x);
    EXPECT_NEAR(r.sum(), 0.0, 1e-9);
    EXPECT_LT((x.transpose() * r - alpha * fast.coef).norm(), 1e-9 * (x.transpose() * y).norm());
  }
}

// One Gram per fold serves a whole alpha grid: every alpha solved from the same RidgeGram equals
// the plain-loop reference fit (fresh centring, Gram sums and Cholesky per alpha) to 1e-12, and
// fit_ridge (which builds its own Gram) bit for bit.
TEST(MlRidge, OneGramSolvesEveryAlpha) {
  const Eigen::MatrixXd x = testing::random_matrix(3, 400, 13);
  const Eigen::VectorXd y = testing::linear_target(x, 4);
  const RidgeGram gram = ridge_gram(x, y);
  for (double alpha : {1e-3, 0.1, 10.0, 1e3, 1e5}) {
    const auto shared = solve_ridge(gram, alpha), ref = fit_ridge_ref(x, y, alpha), own = fit_ridge(x, y, alpha);
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      EXPECT_NEAR(shared.coef(j), ref.coef(j), 1e-12 * (1 + std::fabs(ref.coef(j))));
      EXPECT_EQ(shared.coef(j), own.coef(j));
    }
    EXPECT_NEAR(shared.intercept, ref.intercept, 1e-12);
    EXPECT_EQ(shared.intercept, own.intercept);
  }
}

// With every feature 0 the model is intercept-only: sigmoid(b0) = share of ones, b = 0.
TEST(MlLogistic, InterceptOnlyClosedForm) {
  const Eigen::MatrixXd x = Eigen::MatrixXd::Zero(10, 2);
  Eigen::VectorXd y(10);
  y << 1, 1, 1, 0, 0, 0, 0, 0, 0, 0;
  const auto fit = fit_logistic(x, y, 1.0);
  EXPECT_TRUE(fit.converged);
  EXPECT_NEAR(fit.intercept, std::log(3.0 / 7.0), 1e-12);
  EXPECT_NEAR(fit.coef.norm(), 0.0, 1e-14);
}

// The C-independent start against plain loops: gram = sum_i xt_i xt_i' and grad = sum_i xt_i
// (1/2 - y_i) with xt_i = [x_i, 1]; a fit from a start computed once equals the fit that makes
// its own, for every C (the fold shares one start across the grid), and a start of the wrong
// size is refused.
TEST(MlLogistic, SharedStartMatchesLoopsAndTheOwnStart) {
  const Eigen::MatrixXd x = testing::random_matrix(9, 300, 4);
  const Eigen::VectorXd y = testing::logistic_labels(x, 10);
  const LogisticStart start = logistic_start(x, y);
  for (Eigen::Index a = 0; a < 5; ++a) {
    double g = 0;
    for (Eigen::Index i = 0; i < x.rows(); ++i) g += (a < 4 ? x(i, a) : 1.0) * (0.5 - y(i));
    EXPECT_NEAR(start.grad(a), g, 1e-12 * x.rows());
    for (Eigen::Index b = 0; b <= a; ++b) {
      double s = 0;
      for (Eigen::Index i = 0; i < x.rows(); ++i) s += (a < 4 ? x(i, a) : 1.0) * (b < 4 ? x(i, b) : 1.0);
      EXPECT_NEAR(start.gram(a, b), s, 1e-12 * x.rows());
    }
  }
  for (double c : {1e-3, 1.0, 1e3}) {
    const auto shared = fit_logistic(x, y, c, start), own = fit_logistic(x, y, c);
    EXPECT_EQ(shared.coef, own.coef);
    EXPECT_EQ(shared.intercept, own.intercept);
    EXPECT_EQ(shared.iterations, own.iterations);
  }
  EXPECT_THROW(fit_logistic(x.leftCols(3), y, 1.0, start), KernelError);
}

// The fold's path: the design [x, 1] built once (checked element by element), the start and
// every C's fit from it equal those that build their own, bit for bit.
TEST(MlLogistic, DesignFitsEqualTheFitsOnX) {
  const Eigen::MatrixXd x = testing::random_matrix(11, 257, 5);
  const Eigen::VectorXd y = testing::logistic_labels(x, 12);
  const Eigen::MatrixXd xt = logistic_design(x);
  ASSERT_EQ(xt.rows(), x.rows());
  ASSERT_EQ(xt.cols(), x.cols() + 1);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    for (Eigen::Index j = 0; j < x.cols(); ++j) EXPECT_EQ(xt(i, j), x(i, j));
    EXPECT_EQ(xt(i, x.cols()), 1.0);
  }
  const LogisticStart start = logistic_start_design(xt, y), own = logistic_start(x, y);
  EXPECT_EQ(start.gram.triangularView<Eigen::Lower>().toDenseMatrix(),
            own.gram.triangularView<Eigen::Lower>().toDenseMatrix());
  EXPECT_EQ(start.grad, own.grad);
  for (double c : {1e-4, 0.1, 1.0, 100.0}) {
    const auto fold = fit_logistic_design(xt, y, c, start), alone = fit_logistic(x, y, c);
    EXPECT_EQ(fold.coef, alone.coef) << c;
    EXPECT_EQ(fold.intercept, alone.intercept) << c;
    EXPECT_EQ(fold.iterations, alone.iterations) << c;
    EXPECT_TRUE(fold.converged) << c;
  }
  EXPECT_THROW(fit_logistic_design(xt.topRows(10), y, 1.0, start), KernelError);
  EXPECT_THROW(fit_logistic_design(xt.leftCols(4), y.head(xt.rows()), 1.0, start), KernelError);
}

TEST(MlLogistic, OptimalityConditions) {
  const Eigen::MatrixXd x = testing::random_matrix(5, 800, 13);
  const Eigen::VectorXd y = testing::logistic_labels(x, 6);
  for (double c : {1e-4, 0.01, 1.0, 1e4}) {
    const auto fit = fit_logistic(x, y, c);
    EXPECT_TRUE(fit.converged) << c;
    EXPECT_LE(fit.gradient_norm, kRelativeTolerance);
    // C X'(p - y) + b = 0 and sum(p - y) = 0, checked here independently of the solver's own norm.
    const Eigen::VectorXd z = predict_linear(fit, x);
    Eigen::VectorXd resid(z.size());
    for (Eigen::Index i = 0; i < z.size(); ++i) resid(i) = 1.0 / (1.0 + std::exp(-z(i))) - y(i);
    const double scale = c * (x.transpose() * (y.array() - 0.5).matrix()).norm();
    EXPECT_LT((c * (x.transpose() * resid) + fit.coef).norm(), 1e-9 * scale) << c;
    EXPECT_LT(std::fabs(c * resid.sum()), 1e-9 * std::max(scale, c)) << c;
  }
}

// 1-D lasso on a centred feature: b = soft(Sxy, alpha n) / Sxx.
TEST(MlElasticNet, LassoClosedForm) {
  Eigen::MatrixXd x(4, 1);
  x << -1.5, -0.5, 0.5, 1.5;  // Sxx = 5
  Eigen::VectorXd y(4);
  y << 0, 1, 1, 3;                                    // Sxy = 0 - 0.5 + 0.5 + 4.5 - 1.25 * 0 = 4.5 (x centred)
  const auto fit = fit_elastic_net(x, y, 0.25, 1.0);  // threshold alpha n = 1
  EXPECT_NEAR(fit.coef(0), (4.5 - 1.0) / 5.0, 1e-12);
  EXPECT_NEAR(fit.intercept, 1.25, 1e-12);
  EXPECT_EQ(fit_elastic_net(x, y, 2.0, 1.0).coef(0), 0.0);  // alpha n = 8 > |Sxy|
}

// l1_ratio = 0: ||r||^2 / (2n) + alpha / 2 ||b||^2 is ridge with alpha_ridge = n alpha.
TEST(MlElasticNet, PureL2IsRidge) {
  const Eigen::MatrixXd x = testing::random_matrix(8, 300, 6);
  const Eigen::VectorXd y = testing::linear_target(x, 9);
  const auto enet = fit_elastic_net(x, y, 0.1, 0.0);
  const auto ridge = fit_ridge(x, y, 0.1 * 300);
  EXPECT_TRUE(enet.converged);
  for (Eigen::Index j = 0; j < x.cols(); ++j) EXPECT_NEAR(enet.coef(j), ridge.coef(j), 1e-9);
  EXPECT_NEAR(enet.intercept, ridge.intercept, 1e-9);
}

TEST(MlElasticNet, SubgradientOptimality) {
  const Eigen::MatrixXd x = testing::random_matrix(10, 400, 13);
  const Eigen::VectorXd y = testing::linear_target(x, 11);
  const double alpha = 0.2, l1r = 0.7, n = 400;
  const auto fit = fit_elastic_net(x, y, alpha, l1r);
  EXPECT_TRUE(fit.converged);
  const Eigen::VectorXd r = y - predict_linear(fit, x);
  const Eigen::VectorXd g = -(x.transpose() * r) / n + alpha * (1 - l1r) * fit.coef;  // smooth part
  int zeros = 0;
  for (Eigen::Index j = 0; j < g.size(); ++j) {
    if (fit.coef(j) == 0) {
      ++zeros;
      EXPECT_LE(std::fabs(g(j)), alpha * l1r + 1e-9);
    } else {
      EXPECT_NEAR(g(j), -alpha * l1r * (fit.coef(j) > 0 ? 1 : -1), 1e-9);
    }
  }
  EXPECT_GT(zeros, 0);  // small true coefficients are shrunk to exactly 0 at this alpha
}

TEST(MlScaler, PopulationStdAndConstantColumn) {
  Eigen::MatrixXd x(4, 2);
  x << 1, 5, 2, 5, 3, 5, 4, 5;
  const Scaler s = fit_scaler(x);
  EXPECT_DOUBLE_EQ(s.mean(0), 2.5);
  EXPECT_DOUBLE_EQ(s.scale(0), std::sqrt(1.25));  // population variance (2.25 + .25 + .25 + 2.25) / 4
  EXPECT_DOUBLE_EQ(s.scale(1), 1.0);
  apply_scaler(s, x);
  EXPECT_DOUBLE_EQ(x(0, 0), -1.5 / std::sqrt(1.25));
  EXPECT_DOUBLE_EQ(x(3, 1), 0.0);
}

}  // namespace
}  // namespace qg::kernels::ml
