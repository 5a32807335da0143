// Plain-loop reference of the logistic gradient (logistic_gradient.hpp). Never optimized.
#include <cmath>

#include "qg/core/error.hpp"
#include "qg/kernels/ml/logistic_gradient.hpp"
#include "qg/kernels/ml/linear_model.hpp"

namespace qg::kernels::ml {

void logistic_gradient_ref(const Eigen::Ref<const Eigen::MatrixXd>& xt, const Eigen::Ref<const Eigen::VectorXd>& y,
                           const Eigen::Ref<const Eigen::VectorXd>& w, double c, Eigen::Ref<Eigen::VectorXd> g) {
  const Eigen::Index n = xt.rows(), cols = xt.cols();
  if (y.size() != n || w.size() != cols || g.size() != cols || cols < 1)
    throw KernelError("logistic_gradient_ref: xt, y, w and g do not match");
  for (Eigen::Index k = 0; k < cols; ++k) g(k) = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    double z = 0;
    for (Eigen::Index k = 0; k < cols; ++k) z += xt(i, k) * w(k);
    const double r = sigmoid(z) - y(i);
    for (Eigen::Index k = 0; k < cols; ++k) g(k) += xt(i, k) * r;
  }
  for (Eigen::Index k = 0; k < cols; ++k) g(k) = c * g(k) + (k + 1 < cols ? w(k) : 0.0);
}

}  // namespace qg::kernels::ml
