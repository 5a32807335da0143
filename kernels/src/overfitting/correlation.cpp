// The participation ratio's ingredient: sums of squared correlations between two sets of
// standardised return series, by one matrix product (Eigen) and by a plain loop.
#include <Eigen/Dense>
#include <cmath>

#include "qg/core/error.hpp"
#include "qg/kernels/overfitting.hpp"

namespace qg::kernels {

std::size_t standardize_columns(std::span<double> columns, std::size_t m, std::int64_t n_bars) {
  const auto t = static_cast<std::size_t>(n_bars);
  QG_CHECK(columns.size() == m * t, "standardize_columns: size mismatch");
  std::size_t live = 0;
  for (std::size_t j = 0; j < m; ++j) {
    double* c = columns.data() + j * t;
    double mean = 0;
    for (std::size_t i = 0; i < t; ++i) mean += c[i];
    mean /= static_cast<double>(t);
    double ss = 0;
    for (std::size_t i = 0; i < t; ++i) ss += (c[i] - mean) * (c[i] - mean);
    const double scale = ss > 0 ? 1.0 / std::sqrt(ss) : 0.0;
    for (std::size_t i = 0; i < t; ++i) c[i] = (c[i] - mean) * scale;
    live += ss > 0 ? 1 : 0;
  }
  return live;
}

namespace {

//! The squared Frobenius norm of za' zb, the product in single precision.
double float_square_sum(const Eigen::MatrixXf& za, const Eigen::MatrixXf& zb) {
  const Eigen::MatrixXf c = za.transpose() * zb;
  return c.cast<double>().squaredNorm();
}

}  // namespace

double correlation_square_sum(std::span<const double> a, std::size_t ma, std::span<const double> b, std::size_t mb,
                              std::int64_t n_bars) {
  // The product in single precision: twice the speed of double, and correlations (|c| <= 1)
  // need no more than float's 7 digits to sum their squares to the precision N_eff needs.
  using Matrix = Eigen::Map<const Eigen::MatrixXd>;
  return float_square_sum(Matrix(a.data(), n_bars, static_cast<Eigen::Index>(ma)).cast<float>(),
                          Matrix(b.data(), n_bars, static_cast<Eigen::Index>(mb)).cast<float>());
}

double correlation_square_sum(std::span<const float> a, std::size_t ma, std::span<const float> b, std::size_t mb,
                              std::int64_t n_bars) {
  QG_CHECK(a.size() == ma * static_cast<std::size_t>(n_bars) && b.size() == mb * static_cast<std::size_t>(n_bars),
           "correlation_square_sum: size mismatch");
  using Matrix = Eigen::Map<const Eigen::MatrixXf>;
  return float_square_sum(Matrix(a.data(), n_bars, static_cast<Eigen::Index>(ma)),
                          Matrix(b.data(), n_bars, static_cast<Eigen::Index>(mb)));
}

double correlation_square_sum_ref(std::span<const double> a, std::size_t ma, std::span<const double> b, std::size_t mb,
                                  std::int64_t n_bars) {
  const auto t = static_cast<std::size_t>(n_bars);
  double total = 0;
  for (std::size_t i = 0; i < ma; ++i)
    for (std::size_t j = 0; j < mb; ++j) {
      double c = 0;
      for (std::size_t k = 0; k < t; ++k) c += a[i * t + k] * b[j * t + k];
      total += c * c;
    }
  return total;
}

}  // namespace qg::kernels
