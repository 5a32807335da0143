// Plain-loop reference of ridge regression: centring, Gram sums and a hand-written Cholesky
// solve. Never optimized.
#include <cmath>
#include <vector>

#include "qg/core/error.hpp"
#include "qg/kernels/ml/linear_model.hpp"

namespace qg::kernels::ml {
namespace {

//! Solves A b = r for symmetric positive definite A (row-major p x p) by Cholesky A = L L'.
std::vector<double> cholesky_solve(std::vector<double> a, std::vector<double> r, std::size_t p) {
  for (std::size_t j = 0; j < p; ++j) {
    double d = a[j * p + j];
    for (std::size_t k = 0; k < j; ++k) d -= a[j * p + k] * a[j * p + k];
    if (d <= 0) throw KernelError("fit_ridge_ref: the normal equations are not positive definite");
    a[j * p + j] = std::sqrt(d);
    for (std::size_t i = j + 1; i < p; ++i) {
      double s = a[i * p + j];
      for (std::size_t k = 0; k < j; ++k) s -= a[i * p + k] * a[j * p + k];
      a[i * p + j] = s / a[j * p + j];
    }
  }
  for (std::size_t i = 0; i < p; ++i) {  // L z = r
    for (std::size_t k = 0; k < i; ++k) r[i] -= a[i * p + k] * r[k];
    r[i] /= a[i * p + i];
  }
  for (std::size_t i = p; i-- > 0;) {  // L' b = z
    for (std::size_t k = i + 1; k < p; ++k) r[i] -= a[k * p + i] * r[k];
    r[i] /= a[i * p + i];
  }
  return r;
}

}  // namespace

LinearFit fit_ridge_ref(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                        double alpha) {
  const auto n = static_cast<std::size_t>(x.rows()), p = static_cast<std::size_t>(x.cols());
  std::vector<double> xm(p, 0.0);
  double ym = 0;
  for (std::size_t i = 0; i < n; ++i) {
    ym += y(static_cast<Eigen::Index>(i));
    for (std::size_t j = 0; j < p; ++j) xm[j] += x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
  }
  ym /= static_cast<double>(n);
  for (double& m : xm) m /= static_cast<double>(n);
  std::vector<double> a(p * p, 0.0), r(p, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const double yc = y(static_cast<Eigen::Index>(i)) - ym;
    for (std::size_t j = 0; j < p; ++j) {
      const double xj = x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) - xm[j];
      r[j] += xj * yc;
      for (std::size_t k = 0; k < p; ++k)
        a[j * p + k] += xj * (x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(k)) - xm[k]);
    }
  }
  for (std::size_t j = 0; j < p; ++j) a[j * p + j] += alpha;
  const std::vector<double> b = cholesky_solve(a, r, p);
  LinearFit fit;
  fit.coef = Eigen::Map<const Eigen::VectorXd>(b.data(), static_cast<Eigen::Index>(p));
  fit.intercept = ym;
  for (std::size_t j = 0; j < p; ++j) fit.intercept -= xm[j] * b[j];
  return fit;
}

}  // namespace qg::kernels::ml
