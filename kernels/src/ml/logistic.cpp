// L2 logistic regression by Newton's method with a backtracking line search (linear_model.hpp).
// The objective is strictly convex (the penalty), so Newton converges quadratically near the
// optimum; it stops at a gradient norm of kRelativeTolerance times the norm at b = 0.
#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <cmath>

#include "qg/core/error.hpp"
#include "qg/kernels/ml/fit_blocks.hpp"
#include "qg/kernels/ml/linear_model.hpp"

namespace qg::kernels::ml {
namespace {

constexpr int kMaxNewtonSteps = 100;
constexpr int kMaxHalvings = 60;

//! The problem with the intercept as the last coefficient: xt = [x, 1].
struct Problem {
  Eigen::MatrixXd xt;
  Eigen::VectorXd y;
  double c;

  double objective(const Eigen::VectorXd& w) const {
    const Eigen::VectorXd z = xt * w;
    double loss = 0;
    for (Eigen::Index i = 0; i < z.size(); ++i) loss += softplus(z(i)) - y(i) * z(i);
    const auto p = w.size() - 1;
    return c * loss + 0.5 * w.head(p).squaredNorm();
  }

  //! Gradient and Hessian at w.
  void derivatives(const Eigen::VectorXd& w, Eigen::VectorXd& g, Eigen::MatrixXd& h) const {
    const Eigen::VectorXd z = xt * w;
    Eigen::VectorXd resid(z.size()), weight(z.size());
    for (Eigen::Index i = 0; i < z.size(); ++i) {
      const double p = sigmoid(z(i));
      resid(i) = p - y(i);
      weight(i) = std::sqrt(c * p * (1.0 - p));
    }
    const auto p = w.size() - 1;
    g = c * (xt.transpose() * resid);
    g.head(p) += w.head(p);
    const Eigen::MatrixXd wx = weight.asDiagonal() * xt;
    h = Eigen::MatrixXd::Zero(w.size(), w.size());
    h.selfadjointView<Eigen::Lower>().rankUpdate(wx.transpose());
    h.diagonal().head(p).array() += 1.0;
  }
};

//! The step length along -step that the Armijo rule accepts (or a rounding-level change).
double line_search(const Problem& pr, const Eigen::VectorXd& w, const Eigen::VectorXd& step, double slope) {
  const double f0 = pr.objective(w);
  double t = 1.0;
  for (int k = 0; k < kMaxHalvings; ++k, t *= 0.5) {
    const double f = pr.objective(w - t * step);
    if (f <= f0 - 1e-4 * t * slope || f <= f0 + 1e-13 * std::fabs(f0)) return t;
  }
  return 0.0;
}

}  // namespace

double sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

LinearFit fit_logistic(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                       double c) {
  if (x.rows() != y.size() || x.rows() < 1) throw KernelError("fit_logistic: x and y must have the same rows (>= 1)");
  if (!(c > 0)) throw KernelError("fit_logistic: C must be positive");
  Problem pr{Eigen::MatrixXd(x.rows(), x.cols() + 1), y, c};
  pr.xt << x, Eigen::VectorXd::Ones(x.rows());
  Eigen::VectorXd w = Eigen::VectorXd::Zero(x.cols() + 1), g;
  Eigen::MatrixXd h;
  LinearFit fit;
  double g0 = 0;
  for (fit.iterations = 0;; ++fit.iterations) {
    pr.derivatives(w, g, h);
    if (fit.iterations == 0) g0 = g.norm() > 0 ? g.norm() : 1.0;
    fit.gradient_norm = g.norm() / g0;
    if (fit.gradient_norm <= kRelativeTolerance) break;
    const Eigen::VectorXd step = h.selfadjointView<Eigen::Lower>().ldlt().solve(g);
    const double t = fit.iterations < kMaxNewtonSteps ? line_search(pr, w, step, g.dot(step)) : 0.0;
    if (t == 0.0) {
      fit.converged = false;
      break;
    }
    w -= t * step;
  }
  fit.coef = w.head(x.cols());
  fit.intercept = w(x.cols());
  return fit;
}

}  // namespace qg::kernels::ml
