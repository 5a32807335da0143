// Block sums of the data-parallel fits: the fast kernels against their plain-loop twins,
// hand-computed cases, and the block layout (numpy.array_split sizes, at most kFitBlocks).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ml_test_util.hpp"
#include "qg/core/error.hpp"
#include "qg/kernels/ml/fit_blocks.hpp"

namespace qg::kernels::ml {
namespace {

void expect_close(const std::vector<double>& a, const std::vector<double>& b, double tol) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], tol * (1.0 + std::fabs(b[i]))) << "at " << i;
}

TEST(MlFitBlocks, LayoutIsArraySplitCappedAtKFitBlocks) {
  const auto few = fit_blocks(5);  // fewer rows than blocks: one row each
  ASSERT_EQ(few.size(), 5U);
  EXPECT_EQ(few[4].begin, 4);
  const auto many = fit_blocks(130);  // 130 = 64 * 2 + 2: the first two blocks hold 3 rows
  ASSERT_EQ(many.size(), static_cast<std::size_t>(kFitBlocks));
  EXPECT_EQ(many[0].size(), 3);
  EXPECT_EQ(many[1].size(), 3);
  EXPECT_EQ(many[2].size(), 2);
  EXPECT_EQ(many.back().end, 130);
  EXPECT_THROW(fit_blocks(0), KernelError);
}

TEST(MlFitBlocks, HandComputedColumnSumsAndMoments) {
  Eigen::MatrixXd x(2, 1);
  x << 1.0, 3.0;
  const Eigen::VectorXd y = Eigen::Vector2d(2.0, 5.0);
  std::vector<double> sums(column_sums_width(1), 0.0);
  add_column_sums(x, y, sums);
  EXPECT_EQ(sums, (std::vector<double>{4.0, 7.0}));
  // shift x by 2, y by 3: z = (-1, 1), e = (-1, 2): [sum z, sum e, sum z^2, sum z e] = [0, 1, 2, 3]
  std::vector<double> m(centred_moments_width(1), 0.0);
  add_centred_moments(x, y, Eigen::VectorXd::Constant(1, 2.0), 3.0, m);
  EXPECT_EQ(m, (std::vector<double>{0.0, 1.0, 2.0, 3.0}));
}

TEST(MlFitBlocks, HandComputedLogisticAtZero) {
  // w = 0: s = 1/2 everywhere; loss = n log 2 - 0; gradient = sum (1/2 - y)[x, 1];
  // Hessian = 1/4 sum [x, 1][x, 1]'. x = (1, -2), y = (1, 0).
  Eigen::MatrixXd x(2, 1);
  x << 1.0, -2.0;
  const Eigen::VectorXd y = Eigen::Vector2d(1.0, 0.0);
  std::vector<double> out(logistic_pieces_width(1), 0.0);
  add_logistic_pieces(x, y, Eigen::VectorXd::Zero(2), out);
  const std::vector<double> expected = {2.0 * std::log(2.0), -0.5 - 1.0, 0.0, 1.25, -0.25, -0.25, 0.5};
  expect_close(out, expected, 1e-15);
  EXPECT_NEAR(logistic_loss_sum(x, y, Eigen::VectorXd::Zero(2)), 2.0 * std::log(2.0), 1e-15);
}

TEST(MlFitBlocks, FastKernelsMatchPlainLoops) {
  const Eigen::MatrixXd x = testing::random_matrix(21, 257, 7);
  const Eigen::VectorXd y = testing::logistic_labels(x, 22);
  const Eigen::VectorXd shift = x.colwise().mean().transpose().array() + 0.1;
  Eigen::VectorXd w(8);
  w << 0.3, -0.2, 0.1, 0.5, -0.4, 0.05, 0.2, -0.1;
  std::vector<double> a(column_sums_width(7), 0.5), b(a);  // adds to what is there
  add_column_sums(x, y, a);
  add_column_sums_ref(x, y, b);
  expect_close(a, b, 1e-12);
  std::vector<double> c(centred_moments_width(7), 0.0), d(c);
  add_centred_moments(x, y, shift, 0.4, c);
  add_centred_moments_ref(x, y, shift, 0.4, d);
  expect_close(c, d, 1e-12);
  std::vector<double> e(logistic_pieces_width(7), 0.0), f(e);
  add_logistic_pieces(x, y, w, e);
  add_logistic_pieces_ref(x, y, w, f);
  expect_close(e, f, 1e-12);
  EXPECT_NEAR(logistic_loss_sum(x, y, w), logistic_loss_sum_ref(x, y, w), 1e-10);
  EXPECT_NEAR(logistic_loss_sum(x, y, w), e[0], 1e-10);
}

TEST(MlFitBlocks, RefusesMismatchedShapes) {
  const Eigen::MatrixXd x = Eigen::MatrixXd::Zero(3, 2);
  std::vector<double> out(column_sums_width(2), 0.0);
  EXPECT_THROW(add_column_sums(x, Eigen::VectorXd::Zero(2), out), KernelError);
  std::vector<double> narrow(2, 0.0);
  EXPECT_THROW(add_column_sums(x, Eigen::VectorXd::Zero(3), narrow), KernelError);
}

}  // namespace
}  // namespace qg::kernels::ml
