// Covariance estimators and a Cholesky factorisation with failure diagnosis.
#include "qg/kernels/var/risk_model.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "qg/core/error.hpp"

namespace qg::kernels::var {

void sample_cov(const Eigen::Ref<const Eigen::MatrixXd>& returns, Eigen::Ref<Eigen::MatrixXd> out) {
  const Eigen::Index t = returns.rows();
  if (t < 2) throw KernelError("sample covariance needs at least 2 rows");
  const Eigen::MatrixXd centred = returns.rowwise() - returns.colwise().mean();
  out.noalias() = centred.transpose() * centred / static_cast<double>(t - 1);
}

void sample_cov_ref(const Eigen::Ref<const Eigen::MatrixXd>& returns, Eigen::Ref<Eigen::MatrixXd> out) {
  const Eigen::Index t = returns.rows(), n = returns.cols();
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j) {
      double mi = 0, mj = 0;
      for (Eigen::Index r = 0; r < t; ++r) mi += returns(r, i), mj += returns(r, j);
      mi /= static_cast<double>(t), mj /= static_cast<double>(t);
      double s = 0;
      for (Eigen::Index r = 0; r < t; ++r) s += (returns(r, i) - mi) * (returns(r, j) - mj);
      out(i, j) = s / static_cast<double>(t - 1);
    }
  }
}

void ewma_cov(const Eigen::Ref<const Eigen::MatrixXd>& returns, double lambda, Eigen::Ref<Eigen::MatrixXd> out) {
  if (!(lambda > 0 && lambda < 1)) throw KernelError("EWMA lambda must be in (0, 1)");
  const Eigen::Index t = returns.rows();
  Eigen::VectorXd w(t);
  for (Eigen::Index r = 0; r < t; ++r) w(r) = std::pow(lambda, static_cast<double>(t - 1 - r));
  const double total = w.sum();
  const Eigen::MatrixXd scaled = w.cwiseSqrt().asDiagonal() * returns;
  out.noalias() = scaled.transpose() * scaled / total;
}

void ewma_cov_ref(const Eigen::Ref<const Eigen::MatrixXd>& returns, double lambda, Eigen::Ref<Eigen::MatrixXd> out) {
  const Eigen::Index t = returns.rows(), n = returns.cols();
  double total = 0;
  for (Eigen::Index r = 0; r < t; ++r) total += std::pow(lambda, static_cast<double>(t - 1 - r));
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j) {
      double s = 0;
      for (Eigen::Index r = 0; r < t; ++r)
        s += std::pow(lambda, static_cast<double>(t - 1 - r)) * returns(r, i) * returns(r, j);
      out(i, j) = s / total;
    }
}

void shrink_to_diagonal(Eigen::Ref<Eigen::MatrixXd> cov, double delta) {
  const Eigen::VectorXd diag = cov.diagonal();
  cov *= 1.0 - delta;
  cov.diagonal() = diag;
}

std::optional<CholeskyFailure> cholesky_lower(Eigen::Ref<const Eigen::MatrixXd> cov, Eigen::MatrixXd& lower) {
  const Eigen::Index n = cov.rows();
  lower = Eigen::MatrixXd::Zero(n, n);
  for (Eigen::Index j = 0; j < n; ++j) {
    const double d = cov(j, j) - lower.row(j).head(j).squaredNorm();
    if (!(d > 1e-12 * std::fabs(cov(j, j))) || cov(j, j) <= 0) {
      CholeskyFailure f{j, d, {}};
      if (j > 0) {
        // Column j against the earlier ones: beta = C[0:j,0:j]^-1 C[0:j,j] through the factor
        // already built; the largest standardised weights name the culprits.
        const auto l = lower.topLeftCorner(j, j).triangularView<Eigen::Lower>();
        Eigen::VectorXd beta = l.solve(cov.col(j).head(j));
        l.transpose().solveInPlace(beta);
        std::vector<std::pair<double, Eigen::Index>> w;
        for (Eigen::Index i = 0; i < j; ++i) {
          const double sd_ratio = cov(j, j) > 0 ? std::sqrt(cov(i, i) / cov(j, j)) : 1.0;
          w.emplace_back(std::fabs(beta(i)) * sd_ratio, i);
        }
        std::sort(w.begin(), w.end(),
                  [](auto& a, auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
        for (const auto& [weight, i] : w)
          if (weight > 0.05 && f.involved.size() < 5) f.involved.push_back(i);
      }
      return f;
    }
    lower(j, j) = std::sqrt(d);
    for (Eigen::Index i = j + 1; i < n; ++i)
      lower(i, j) = (cov(i, j) - lower.row(i).head(j).dot(lower.row(j).head(j))) / lower(j, j);
  }
  return std::nullopt;
}

}  // namespace qg::kernels::var
