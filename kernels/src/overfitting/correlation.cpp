// The participation ratio's ingredient: sums of squared correlations between two sets of
// standardised return series, by one matrix product (Eigen) and by a plain loop.
#include <Eigen/Dense>
#include <cmath>
#include <memory>

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

//! Eigen's single-precision GEMM with its packing panels kept between products. Eigen allocates
//! them on every product (megabytes for a 256 x 5,250 x 256 block pair: fresh pages that the
//! system zeroes and maps each time, then unmaps); kept, they cost nothing after the first
//! product of a shape. The same routine with the same blocking sizes as the expression
//! `za.transpose() * zb`, so the same bits.
class CorrelationScratch::Impl {
 public:
  //! za' zb for za (depth x m) and zb (depth x n), valid until the thread's next call.
  const Eigen::MatrixXf& product(const Eigen::MatrixXf::ConstMapType& za, const Eigen::MatrixXf::ConstMapType& zb) {
    const Eigen::Index m = za.cols(), n = zb.cols(), depth = za.rows();
    // Where Eigen takes another path (a lazy coefficient product for tiny shapes, a
    // matrix-vector product for a single row or column), it is taken here too.
    if (depth + m + n < EIGEN_GEMM_TO_COEFFBASED_THRESHOLD || m < 2 || n < 2 || depth == 0) {
      c_ = za.transpose() * zb;
      return c_;
    }
    if (m != m_ || n != n_ || depth != depth_) {
      blocking_ = std::make_unique<Blocking>(m, n, depth, 1, true);  // as Eigen sizes it for one thread
      blocking_->allocateAll();
      m_ = m, n_ = n, depth_ = depth;
    }
    c_.setZero(m, n);
    Gemm::run(m, n, depth, za.data(), depth, zb.data(), depth, c_.data(), 1, m, 1.0F, *blocking_, nullptr);
    return c_;
  }

 private:
  using Blocking = Eigen::internal::gemm_blocking_space<Eigen::ColMajor, float, float, Eigen::Dynamic, Eigen::Dynamic,
                                                        Eigen::Dynamic>;
  // za' is za's storage read row-major; the result is column-major.
  using Gemm = Eigen::internal::general_matrix_matrix_product<Eigen::Index, float, Eigen::RowMajor, false, float,
                                                              Eigen::ColMajor, false, Eigen::ColMajor, 1>;
  std::unique_ptr<Blocking> blocking_;
  Eigen::Index m_ = -1, n_ = -1, depth_ = -1;
  Eigen::MatrixXf c_;
};

CorrelationScratch::CorrelationScratch() : impl(std::make_unique<Impl>()) {}
CorrelationScratch::~CorrelationScratch() = default;

namespace {

//! The squared Frobenius norm of za' zb, the product in single precision.
double float_square_sum(const Eigen::MatrixXf::ConstMapType& za, const Eigen::MatrixXf::ConstMapType& zb,
                        CorrelationScratch& scratch) {
  return scratch.impl->product(za, zb).cast<double>().squaredNorm();
}

}  // namespace

double correlation_square_sum(std::span<const double> a, std::size_t ma, std::span<const double> b, std::size_t mb,
                              std::int64_t n_bars) {
  // The product in single precision: twice the speed of double, and correlations (|c| <= 1)
  // need no more than float's 7 digits to sum their squares to the precision N_eff needs.
  using Matrix = Eigen::Map<const Eigen::MatrixXd>;
  const Eigen::MatrixXf fa = Matrix(a.data(), n_bars, static_cast<Eigen::Index>(ma)).cast<float>();
  const Eigen::MatrixXf fb = Matrix(b.data(), n_bars, static_cast<Eigen::Index>(mb)).cast<float>();
  using FloatMap = Eigen::MatrixXf::ConstMapType;
  CorrelationScratch scratch;
  return float_square_sum(FloatMap(fa.data(), fa.rows(), fa.cols()), FloatMap(fb.data(), fb.rows(), fb.cols()),
                          scratch);
}

double correlation_square_sum(std::span<const float> a, std::size_t ma, std::span<const float> b, std::size_t mb,
                              std::int64_t n_bars) {
  CorrelationScratch scratch;
  return correlation_square_sum(a, ma, b, mb, n_bars, scratch);
}

double correlation_square_sum(std::span<const float> a, std::size_t ma, std::span<const float> b, std::size_t mb,
                              std::int64_t n_bars, CorrelationScratch& scratch) {
  QG_CHECK(a.size() == ma * static_cast<std::size_t>(n_bars) && b.size() == mb * static_cast<std::size_t>(n_bars),
           "correlation_square_sum: size mismatch");
  using Matrix = Eigen::Map<const Eigen::MatrixXf>;
  return float_square_sum(Matrix(a.data(), n_bars, static_cast<Eigen::Index>(ma)),
                          Matrix(b.data(), n_bars, static_cast<Eigen::Index>(mb)), scratch);
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
