#pragma once
// The correlated draw of Monte Carlo VaR: Y = Z L^T for a block of scenarios, where each row of
// Z holds one scenario's n independent standard normals and L is the lower Cholesky factor of
// the shock covariance, so each row of Y is L z.
//
// L is triangular: y_a = sum over k <= a of L(a, k) z_k. correlate_rows is one DTRMM through
// OpenBLAS, which skips the zero upper triangle and so needs about half the flops of the full
// product Z L^T (a DGEMM). The sums run in BLAS's blocked order, not in k order, so results agree
// with the reference to rounding. A row's result depends on that row and L and on the number of
// rows in the call (OpenBLAS picks its kernels by size), never on the other rows' values: the
// same call gives the same bits whatever the threads or ranks, and a scenario regenerated in a
// smaller call agrees with its block to rounding (as it did with the full DGEMM).
//
// The simulator now runs the packed triangular product of packed_factor.hpp instead (about 10%
// faster, and bit-identical for a row alone); correlate_rows stays as the DTRMM that
// bench/var/var_kernels times beside it, and correlate_rows_ref as the plain multiply-add loops
// both are tested against.
#include <Eigen/Core>

#include <cstddef>

namespace qg::kernels::var {

//! z (rows x n, row-major, n = chol.rows()) := z L^T in place, with L the lower triangle of
//! `chol` (its upper triangle is not read).
void correlate_rows(const Eigen::MatrixXd& chol, std::size_t rows, double* z);
//! Reference: y[r][a] = sum over k = 0..a of chol(a, k) z[r][k], plain loops in k order.
void correlate_rows_ref(const Eigen::MatrixXd& chol, std::size_t rows, const double* z, double* y);

}  // namespace qg::kernels::var
