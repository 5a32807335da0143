// The blocked logistic gradient (logistic_gradient.hpp) against its plain-loop twin and a
// hand-computed case, and the bound iteration of fit_logistic_design against Newton's method.
#include <gtest/gtest.h>

#include <cmath>

#include "ml_test_util.hpp"
#include "qg/core/error.hpp"
#include "qg/kernels/ml/linear_model.hpp"
#include "qg/kernels/ml/logistic_gradient.hpp"

namespace qg::kernels::ml {
namespace {

Eigen::VectorXd gradient(const Eigen::Ref<const Eigen::MatrixXd>& xt, const Eigen::VectorXd& y,
                         const Eigen::VectorXd& w, double c) {
  Eigen::VectorXd g(xt.cols());
  logistic_gradient(xt, y, w, c, g);
  return g;
}

// Two samples, x = (1, -1), y = (1, 0), w = (b, b0) = (2, 0.5): scores 2.5 and -1.5, so
// g = C [x, 1]'(sigmoid(z) - y) + (b, 0) with sigmoid(2.5) - 1 = -0.0758582..., sigmoid(-1.5) =
// 0.1824255... (values of 1 / (1 + exp(-z)) by hand).
TEST(MlLogisticGradient, HandComputed) {
  Eigen::MatrixXd xt(2, 2);
  xt << 1, 1, -1, 1;
  Eigen::VectorXd y(2), w(2);
  y << 1, 0;
  w << 2, 0.5;
  const double r0 = 1.0 / (1.0 + std::exp(-2.5)) - 1.0, r1 = 1.0 / (1.0 + std::exp(1.5));
  const Eigen::VectorXd g = gradient(xt, y, w, 3.0);
  EXPECT_NEAR(g(0), 3.0 * (r0 - r1) + 2.0, 1e-15);
  EXPECT_NEAR(g(1), 3.0 * (r0 + r1), 1e-15);
}

// Blocks of 64 rows with a padded last block (1,001 rows), and scores large enough to saturate
// the sigmoid, against one running sum per coefficient with scalar exp.
TEST(MlLogisticGradient, MatchesReference) {
  for (const Eigen::Index n : {Eigen::Index{1}, Eigen::Index{63}, Eigen::Index{64}, Eigen::Index{1001}}) {
    const Eigen::MatrixXd xt = logistic_design(testing::random_matrix(21, n, 13));
    const Eigen::VectorXd y = testing::logistic_labels(xt.leftCols(13), 22);
    for (const double scale : {0.0, 0.1, 3.0, 40.0}) {
      const Eigen::VectorXd w = scale * testing::random_matrix(23, 14, 1).col(0);
      for (const double c : {1e-3, 1.0, 100.0}) {
        Eigen::VectorXd ref(14);
        logistic_gradient_ref(xt, y, w, c, ref);
        const Eigen::VectorXd g = gradient(xt, y, w, c);
        const double size = c * static_cast<double>(n) + w.norm();
        for (Eigen::Index k = 0; k < 14; ++k) EXPECT_NEAR(g(k), ref(k), 1e-13 * size) << n << " " << scale << " " << c;
      }
    }
  }
}

// A row's arithmetic depends on its place in the design only: the same design read through a
// block of a larger matrix (another address and column stride) gives the same bits.
TEST(MlLogisticGradient, SameBitsWhereverTheDesignLives) {
  const Eigen::MatrixXd xt = logistic_design(testing::random_matrix(31, 300, 6));
  const Eigen::VectorXd y = testing::logistic_labels(xt.leftCols(6), 32);
  const Eigen::VectorXd w = testing::random_matrix(33, 7, 1).col(0);
  Eigen::MatrixXd big = Eigen::MatrixXd::Zero(303, 9);
  big.block(3, 1, 300, 7) = xt;
  EXPECT_EQ(gradient(xt, y, w, 2.0), gradient(big.block(3, 1, 300, 7), y, w, 2.0));
  Eigen::VectorXd g6(6), g7(7);
  EXPECT_THROW(logistic_gradient(xt, y, w, 1.0, g6), KernelError);
  EXPECT_THROW(logistic_gradient(xt.topRows(10), y, w, 1.0, g7), KernelError);
}

// The bound iteration and Newton's method solve one strictly convex problem: their coefficients
// agree to 1e-9 relative for a range of C, and the bound iteration needs no Newton steps here
// (probabilities near 1/2: a few times fewer passes than its iteration cap).
TEST(MlLogisticBound, AgreesWithNewton) {
  const Eigen::MatrixXd x = testing::random_matrix(41, 700, 13);
  Eigen::VectorXd y = testing::logistic_labels(0.1 * x, 42);  // weak signal, as next-bar returns
  const Eigen::MatrixXd xt = logistic_design(x);
  const LogisticStart start = logistic_start_design(xt, y);
  for (const double c : {1e-4, 1e-2, 1.0, 100.0}) {
    const auto bound = fit_logistic_design(xt, y, c, start), newton = fit_logistic_newton_design(xt, y, c, start);
    ASSERT_TRUE(bound.converged && newton.converged) << c;
    EXPECT_LE(bound.gradient_norm, kRelativeTolerance) << c;
    EXPECT_LE(bound.iterations, 15) << c;
    const double size = newton.coef.norm() + std::fabs(newton.intercept);
    EXPECT_LT((bound.coef - newton.coef).norm(), 1e-9 * size) << c;
    EXPECT_NEAR(bound.intercept, newton.intercept, 1e-9 * size) << c;
  }
}

// Nearly separable labels and a large C: probabilities near 0 and 1 make the bound a poor model
// of the Hessian, the iteration contracts slowly and the fit is Newton's, bit for bit, with the
// bound steps counted in its iterations.
TEST(MlLogisticBound, SlowContractionFallsBackToNewton) {
  const Eigen::MatrixXd x = testing::random_matrix(51, 400, 3);
  Eigen::VectorXd y(400);
  for (Eigen::Index i = 0; i < y.size(); ++i) y(i) = x(i, 0) + 0.05 * x(i, 1) > 0 ? 1.0 : 0.0;
  const Eigen::MatrixXd xt = logistic_design(x);
  const LogisticStart start = logistic_start_design(xt, y);
  const auto bound = fit_logistic_design(xt, y, 1e3, start), newton = fit_logistic_newton_design(xt, y, 1e3, start);
  ASSERT_TRUE(newton.converged);
  EXPECT_EQ(bound.coef, newton.coef);
  EXPECT_EQ(bound.intercept, newton.intercept);
  EXPECT_GT(bound.iterations, newton.iterations);
}

}  // namespace
}  // namespace qg::kernels::ml
