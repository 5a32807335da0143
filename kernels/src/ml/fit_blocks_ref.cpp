// Plain-loop references of the data-parallel fits' block sums (fit_blocks.hpp). Never optimized.
#include <cmath>

#include "qg/core/error.hpp"
#include "qg/kernels/ml/fit_blocks.hpp"
#include "qg/kernels/ml/linear_model.hpp"

namespace qg::kernels::ml {

void add_column_sums_ref(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                         std::span<double> out) {
  const Eigen::Index p = x.cols();
  if (x.rows() != y.size() || out.size() != column_sums_width(p)) throw KernelError("add_column_sums_ref: shapes");
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    for (Eigen::Index j = 0; j < p; ++j) out[static_cast<std::size_t>(j)] += x(i, j);
    out[static_cast<std::size_t>(p)] += y(i);
  }
}

void add_centred_moments_ref(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                             const Eigen::Ref<const Eigen::VectorXd>& x_shift, double y_shift, std::span<double> out) {
  const Eigen::Index p = x.cols();
  if (x.rows() != y.size() || out.size() != centred_moments_width(p))
    throw KernelError("add_centred_moments_ref: shapes");
  const auto at = [](Eigen::Index k) { return static_cast<std::size_t>(k); };
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const double e = y(i) - y_shift;
    out[at(p)] += e;
    for (Eigen::Index j = 0; j < p; ++j) {
      const double zj = x(i, j) - x_shift(j);
      out[at(j)] += zj;
      out[at(p + 1 + p * p + j)] += zj * e;
      for (Eigen::Index k = 0; k < p; ++k) out[at(p + 1 + k * p + j)] += zj * (x(i, k) - x_shift(k));
    }
  }
}

void add_logistic_pieces_ref(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                             const Eigen::Ref<const Eigen::VectorXd>& w, std::span<double> out) {
  const Eigen::Index p = x.cols(), q = p + 1;
  if (x.rows() != y.size() || out.size() != logistic_pieces_width(p))
    throw KernelError("add_logistic_pieces_ref: shapes");
  const auto at = [](Eigen::Index k) { return static_cast<std::size_t>(k); };
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const auto xt = [&](Eigen::Index j) { return j < p ? x(i, j) : 1.0; };  // [x_i, 1]
    double u = w(p);
    for (Eigen::Index j = 0; j < p; ++j) u += x(i, j) * w(j);
    const double s = 1.0 / (1.0 + std::exp(-u));
    out[0] += std::log(1.0 + std::exp(u)) - y(i) * u;
    for (Eigen::Index j = 0; j < q; ++j) {
      out[at(1 + j)] += (s - y(i)) * xt(j);
      for (Eigen::Index k = 0; k < q; ++k) out[at(1 + q + k * q + j)] += s * (1.0 - s) * xt(j) * xt(k);
    }
  }
}

double logistic_loss_sum_ref(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                             const Eigen::Ref<const Eigen::VectorXd>& w) {
  if (x.rows() != y.size()) throw KernelError("logistic_loss_sum_ref: x and y must have the same rows");
  double loss = 0;
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    double u = w(x.cols());
    for (Eigen::Index j = 0; j < x.cols(); ++j) u += x(i, j) * w(j);
    loss += std::log(1.0 + std::exp(u)) - y(i) * u;
  }
  return loss;
}

}  // namespace qg::kernels::ml
