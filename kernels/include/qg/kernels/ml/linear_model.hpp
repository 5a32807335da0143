#pragma once
// Linear models on (standardised) features, with objectives as scikit-learn states them and
// the intercept never penalised (docs/train.md):
//   ridge        ||y - X b - b0||^2 + alpha ||b||^2          normal equations, LDLT
//   logistic     C sum_i logloss(y_i, X_i b + b0) + ||b||^2 / 2    steps of Böhning's Hessian bound,
//                                                             else Newton with backtracking
//   elastic net  ||y - X b - b0||^2 / (2n) + alpha (l1 ||b||_1 + (1 - l1) / 2 ||b||^2)
//                                                             cyclic coordinate descent (Gram form)
// The iterative solvers run until the gradient (logistic) or the optimality violation (elastic
// net) is at most kRelativeTolerance times its value at b = 0, not to a loose tolerance.
#include <Eigen/Core>

namespace qg::kernels::ml {

inline constexpr double kRelativeTolerance = 1e-10;

struct LinearFit {
  Eigen::VectorXd coef;
  double intercept = 0;
  int iterations = 0;        // Newton steps or coordinate-descent sweeps (0 for ridge)
  double gradient_norm = 0;  // at the solution, relative to b = 0 (0 for ridge)
  bool converged = true;
};

//! The pieces of ridge's centred normal equations that do not depend on alpha: column means,
//! the Gram matrix Xc'Xc (lower triangle) and Xc'yc. A cross-validation fold computes them once
//! and solves every alpha of the grid from them.
struct RidgeGram {
  Eigen::VectorXd x_mean;
  double y_mean = 0;
  Eigen::MatrixXd gram;
  Eigen::VectorXd rhs;
};

//! The Gram pieces of (x, y): O(n p^2).
RidgeGram ridge_gram(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y);
//! The ridge solution for one alpha from the Gram pieces: (gram + alpha I) b = rhs by LDLT, O(p^3).
LinearFit solve_ridge(const RidgeGram& g, double alpha);

//! Ridge regression: the centred normal equations (Xc'Xc + alpha I) b = Xc'yc, b0 = ym - xm'b;
//! solve_ridge(ridge_gram(x, y), alpha), the same bits.
LinearFit fit_ridge(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                    double alpha);
//! Plain-loop reference: Gram sums by loops, Cholesky by hand. Never optimized.
LinearFit fit_ridge_ref(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                        double alpha);

//! What a logistic fit's first Newton step needs and C does not change: at b = 0 every
//! probability is 1/2, so with xt = [x, 1] the gradient is C xt'(1/2 - y) and the Hessian
//! C/4 xt'xt + I (coefficients only). A cross-validation fold computes it once for every C.
struct LogisticStart {
  Eigen::MatrixXd gram;  // xt'xt, lower triangle, (p + 1) x (p + 1)
  Eigen::VectorXd grad;  // xt'(1/2 - y), p + 1
};

//! The C-independent start of a logistic fit on (x, y).
LogisticStart logistic_start(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y);

//! L2 logistic regression on labels 0/1: fit_logistic(x, y, c, logistic_start(x, y)).
LinearFit fit_logistic(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                       double c);
//! The same fit from a start computed on the same (x, y) (KernelError for a start of the wrong size).
LinearFit fit_logistic(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y, double c,
                       const LogisticStart& start);
//! The design of a logistic fit on x: [x, 1], the intercept's column last.
Eigen::MatrixXd logistic_design(const Eigen::Ref<const Eigen::MatrixXd>& x);
//! logistic_start(x, y) from the design xt = logistic_design(x): the same bits.
LogisticStart logistic_start_design(const Eigen::Ref<const Eigen::MatrixXd>& xt,
                                    const Eigen::Ref<const Eigen::VectorXd>& y);
//! fit_logistic(x, y, c, start) from the design xt = logistic_design(x), read in place: the same
//! bits. A cross-validation fold builds its design once and fits every C from it. Steps of the
//! fixed Hessian bound C/4 xt'xt + diag(1, .., 1, 0) (logistic.cpp); when they contract slowly,
//! fit_logistic_newton_design's result (its iterations count the bound steps too).
LinearFit fit_logistic_design(const Eigen::Ref<const Eigen::MatrixXd>& xt, const Eigen::Ref<const Eigen::VectorXd>& y,
                              double c, const LogisticStart& start);
//! The same problem by Newton's method with a backtracking line search from b = 0.
LinearFit fit_logistic_newton_design(const Eigen::Ref<const Eigen::MatrixXd>& xt,
                                     const Eigen::Ref<const Eigen::VectorXd>& y, double c, const LogisticStart& start);

//! Elastic net (alpha > 0 or a full-rank X, 0 <= l1_ratio <= 1).
LinearFit fit_elastic_net(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                          double alpha, double l1_ratio);

//! x b + b0.
Eigen::VectorXd predict_linear(const LinearFit& fit, const Eigen::Ref<const Eigen::MatrixXd>& x);

//! 1 / (1 + exp(-z)), without overflow.
double sigmoid(double z);

}  // namespace qg::kernels::ml
