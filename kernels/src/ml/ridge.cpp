// Ridge regression by the centred normal equations (linear_model.hpp).
#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "qg/core/error.hpp"
#include "qg/kernels/ml/linear_model.hpp"

namespace qg::kernels::ml {

RidgeGram ridge_gram(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y) {
  if (x.rows() != y.size() || x.rows() < 1) throw KernelError("fit_ridge: x and y must have the same rows (>= 1)");
  RidgeGram g;
  g.x_mean = x.colwise().mean().transpose();
  g.y_mean = y.mean();
  const Eigen::MatrixXd xc = x.rowwise() - g.x_mean.transpose();
  g.gram = Eigen::MatrixXd::Zero(x.cols(), x.cols());
  g.gram.selfadjointView<Eigen::Lower>().rankUpdate(xc.transpose());
  g.rhs = xc.transpose() * (y.array() - g.y_mean).matrix();
  return g;
}

LinearFit solve_ridge(const RidgeGram& g, double alpha) {
  Eigen::MatrixXd a = g.gram;
  a.diagonal().array() += alpha;
  LinearFit fit;
  fit.coef = a.selfadjointView<Eigen::Lower>().ldlt().solve(g.rhs);
  fit.intercept = g.y_mean - g.x_mean.dot(fit.coef);
  return fit;
}

LinearFit fit_ridge(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                    double alpha) {
  return solve_ridge(ridge_gram(x, y), alpha);
}

Eigen::VectorXd predict_linear(const LinearFit& fit, const Eigen::Ref<const Eigen::MatrixXd>& x) {
  return (x * fit.coef).array() + fit.intercept;
}

}  // namespace qg::kernels::ml
