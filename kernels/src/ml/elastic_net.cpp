// Elastic net by cyclic coordinate descent on the Gram matrix (linear_model.hpp), the
// "precompute" form of scikit-learn's solver: the same optimum, O(p^2) per sweep.
#include <Eigen/Core>
#include <algorithm>
#include <cmath>

#include "qg/core/error.hpp"
#include "qg/kernels/ml/linear_model.hpp"

namespace qg::kernels::ml {
namespace {

constexpr int kMaxSweeps = 200000;

double soft_threshold(double v, double t) { return v > t ? v - t : (v < -t ? v + t : 0.0); }

//! Largest violation of the optimality conditions of min w'Gw/2 - q'w + l1|w|_1 + l2 |w|^2/2.
double violation(const Eigen::MatrixXd& g, const Eigen::VectorXd& q, const Eigen::VectorXd& w, double l1, double l2) {
  const Eigen::VectorXd grad = g * w - q + l2 * w;
  double worst = 0;
  for (Eigen::Index j = 0; j < w.size(); ++j) {
    const double v = w(j) != 0 ? std::fabs(grad(j) + (w(j) > 0 ? l1 : -l1)) : std::max(0.0, std::fabs(grad(j)) - l1);
    worst = std::max(worst, v);
  }
  return worst;
}

}  // namespace

LinearFit fit_elastic_net(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                          double alpha, double l1_ratio) {
  if (x.rows() != y.size() || x.rows() < 1) throw KernelError("fit_elastic_net: x and y must have the same rows");
  if (alpha < 0 || l1_ratio < 0 || l1_ratio > 1) throw KernelError("fit_elastic_net: alpha >= 0, 0 <= l1_ratio <= 1");
  const auto n = static_cast<double>(x.rows());
  const Eigen::VectorXd xm = x.colwise().mean().transpose();
  const double ym = y.mean();
  const Eigen::MatrixXd xc = x.rowwise() - xm.transpose();
  Eigen::MatrixXd g = Eigen::MatrixXd::Zero(x.cols(), x.cols());
  g.selfadjointView<Eigen::Lower>().rankUpdate(xc.transpose());
  g = g.selfadjointView<Eigen::Lower>();
  const Eigen::VectorXd q = xc.transpose() * (y.array() - ym).matrix();
  // scikit-learn's scaling: the objective times n.
  const double l1 = alpha * l1_ratio * n, l2 = alpha * (1.0 - l1_ratio) * n;
  LinearFit fit;
  fit.coef = Eigen::VectorXd::Zero(x.cols());
  Eigen::VectorXd& w = fit.coef;
  const double v0 = violation(g, q, w, l1, l2);
  for (fit.iterations = 0; v0 > 0 && fit.iterations < kMaxSweeps; ++fit.iterations) {
    double change = 0;
    for (Eigen::Index j = 0; j < w.size(); ++j) {
      const double denom = g(j, j) + l2;
      const double rho = q(j) - g.col(j).dot(w) + g(j, j) * w(j);
      const double next = denom > 0 ? soft_threshold(rho, l1) / denom : 0.0;
      change = std::max(change, std::fabs(next - w(j)));
      w(j) = next;
    }
    fit.gradient_norm = violation(g, q, w, l1, l2) / v0;
    if (fit.gradient_norm <= kRelativeTolerance || change == 0) break;
  }
  fit.converged = v0 == 0 || fit.gradient_norm <= kRelativeTolerance;
  fit.intercept = ym - xm.dot(w);
  return fit;
}

}  // namespace qg::kernels::ml
