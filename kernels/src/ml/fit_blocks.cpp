// Per-block partial sums of the data-parallel linear-model fits (fit_blocks.hpp).
#include "qg/kernels/ml/fit_blocks.hpp"

#include <algorithm>
#include <cmath>

#include "qg/core/error.hpp"
#include "qg/kernels/ml/linear_model.hpp"

namespace qg::kernels::ml {
namespace {

void check_block(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                 std::span<double> out, std::size_t width, const char* what) {
  if (x.rows() != y.size()) throw KernelError(std::string(what) + ": x and y must have the same rows");
  if (out.size() != width) throw KernelError(std::string(what) + ": the output has the wrong width");
}

}  // namespace

std::vector<IndexRange> fit_blocks(std::int64_t rows) {
  if (rows < 1) throw KernelError("fit_blocks: a fit needs at least one row");
  return array_split(rows, static_cast<int>(std::min<std::int64_t>(kFitBlocks, rows)));
}

std::size_t column_sums_width(Eigen::Index p) { return static_cast<std::size_t>(p + 1); }
std::size_t centred_moments_width(Eigen::Index p) { return static_cast<std::size_t>(p * p + 2 * p + 1); }
std::size_t logistic_pieces_width(Eigen::Index p) { return static_cast<std::size_t>(1 + (p + 1) + (p + 1) * (p + 1)); }

double softplus(double z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }

void add_column_sums(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                     std::span<double> out) {
  const Eigen::Index p = x.cols();
  check_block(x, y, out, column_sums_width(p), "add_column_sums");
  Eigen::Map<Eigen::VectorXd>(out.data(), p) += x.colwise().sum().transpose();
  out[static_cast<std::size_t>(p)] += y.sum();
}

void add_centred_moments(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                         const Eigen::Ref<const Eigen::VectorXd>& x_shift, double y_shift, std::span<double> out) {
  const Eigen::Index p = x.cols();
  check_block(x, y, out, centred_moments_width(p), "add_centred_moments");
  const Eigen::MatrixXd z = x.rowwise() - x_shift.transpose();
  const Eigen::VectorXd e = y.array() - y_shift;
  double* at = out.data();
  Eigen::Map<Eigen::VectorXd>(at, p) += z.colwise().sum().transpose();
  at[p] += e.sum();
  Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(p, p);
  gram.selfadjointView<Eigen::Lower>().rankUpdate(z.transpose());
  Eigen::Map<Eigen::MatrixXd>(at + p + 1, p, p) += gram.selfadjointView<Eigen::Lower>().toDenseMatrix();
  Eigen::Map<Eigen::VectorXd>(at + p + 1 + p * p, p) += z.transpose() * e;
}

void add_logistic_pieces(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                         const Eigen::Ref<const Eigen::VectorXd>& w, std::span<double> out) {
  const Eigen::Index p = x.cols(), n = x.rows();
  check_block(x, y, out, logistic_pieces_width(p), "add_logistic_pieces");
  const Eigen::VectorXd u = (x * w.head(p)).array() + w(p);
  Eigen::VectorXd resid(n), root(n);
  double loss = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double s = sigmoid(u(i));
    loss += softplus(u(i)) - y(i) * u(i);
    resid(i) = s - y(i);
    root(i) = std::sqrt(s * (1.0 - s));
  }
  double* at = out.data();
  at[0] += loss;
  Eigen::Map<Eigen::VectorXd>(at + 1, p) += x.transpose() * resid;
  at[1 + p] += resid.sum();
  const Eigen::MatrixXd wx = root.asDiagonal() * x;
  Eigen::MatrixXd h = Eigen::MatrixXd::Zero(p, p);
  h.selfadjointView<Eigen::Lower>().rankUpdate(wx.transpose());
  Eigen::Map<Eigen::MatrixXd> hess(at + 2 + p, p + 1, p + 1);
  hess.topLeftCorner(p, p) += h.selfadjointView<Eigen::Lower>().toDenseMatrix();
  const Eigen::VectorXd edge = wx.transpose() * root;  // sum s (1 - s) x
  hess.col(p).head(p) += edge;
  hess.row(p).head(p) += edge.transpose();
  hess(p, p) += root.squaredNorm();
}

double logistic_loss_sum(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                         const Eigen::Ref<const Eigen::VectorXd>& w) {
  if (x.rows() != y.size()) throw KernelError("logistic_loss_sum: x and y must have the same rows");
  const Eigen::Index p = x.cols();
  const Eigen::VectorXd u = (x * w.head(p)).array() + w(p);
  double loss = 0;
  for (Eigen::Index i = 0; i < u.size(); ++i) loss += softplus(u(i)) - y(i) * u(i);
  return loss;
}

}  // namespace qg::kernels::ml
