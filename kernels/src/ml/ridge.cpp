// Ridge regression by the centred normal equations (linear_model.hpp).
#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "qg/core/error.hpp"
#include "qg/kernels/ml/linear_model.hpp"

namespace qg::kernels::ml {

LinearFit fit_ridge(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                    double alpha) {
  if (x.rows() != y.size() || x.rows() < 1) throw KernelError("fit_ridge: x and y must have the same rows (>= 1)");
  const Eigen::VectorXd xm = x.colwise().mean().transpose();
  const double ym = y.mean();
  const Eigen::MatrixXd xc = x.rowwise() - xm.transpose();
  Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(x.cols(), x.cols());
  gram.selfadjointView<Eigen::Lower>().rankUpdate(xc.transpose());
  gram.diagonal().array() += alpha;
  const Eigen::VectorXd rhs = xc.transpose() * (y.array() - ym).matrix();
  LinearFit fit;
  fit.coef = gram.selfadjointView<Eigen::Lower>().ldlt().solve(rhs);
  fit.intercept = ym - xm.dot(fit.coef);
  return fit;
}

Eigen::VectorXd predict_linear(const LinearFit& fit, const Eigen::Ref<const Eigen::MatrixXd>& x) {
  return (x * fit.coef).array() + fit.intercept;
}

}  // namespace qg::kernels::ml
