// The correlated draw Y = Z L^T as one in-place DTRMM (see correlate.hpp).
#include "qg/kernels/var/correlate.hpp"

#include <cblas.h>

namespace qg::kernels::var {

void correlate_rows(const Eigen::MatrixXd& chol, std::size_t rows, double* z) {
  const auto n = static_cast<int>(chol.rows());
  if (rows == 0 || n == 0) return;
  // Row-major Z := Z B with B = L^T: the column-major buffer of L read row-major is L^T, an upper
  // triangle, so the row-major call names the right-hand side Upper and NoTrans.
  cblas_dtrmm(CblasRowMajor, CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, static_cast<int>(rows), n, 1.0,
              chol.data(), n, z, n);
}

void correlate_rows_ref(const Eigen::MatrixXd& chol, std::size_t rows, const double* z, double* y) {
  const auto n = static_cast<std::size_t>(chol.rows());
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t a = 0; a < n; ++a) {
      double sum = 0;
      for (std::size_t k = 0; k <= a; ++k)
        sum += chol(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(k)) * z[r * n + k];
      y[r * n + a] = sum;
    }
  }
}

}  // namespace qg::kernels::var
