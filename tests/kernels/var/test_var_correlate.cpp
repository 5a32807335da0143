// The correlated draw Y = Z L^T (one DTRMM) against plain loops in k order, a hand-computed
// 2 x 2 case, and rows computed alone against the same rows in a block of 4,096 (what stage 2
// relied on before the packed product, test_var_packed_factor.cpp): equal to rounding, and bit for bit
// when the call has the same shape.
#include <gtest/gtest.h>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "qg/kernels/var/correlate.hpp"
#include "random_factor.hpp"

namespace qg::kernels::var {
namespace {

using test_inputs::random_lower;
using test_inputs::random_normals;

TEST(VarCorrelate, HandComputedTwoByTwo) {
  Eigen::MatrixXd l(2, 2);
  l << 2, 99, 3, 4;  // L = [[2, 0], [3, 4]]; 99 is above the diagonal and ignored
  std::vector<double> z = {1, 10, -1, 0.5};
  correlate_rows(l, 2, z.data());
  // Row (1, 10): (2*1, 3*1 + 4*10) = (2, 43); row (-1, 0.5): (-2, -3 + 2) = (-2, -1).
  EXPECT_EQ(z, (std::vector<double>{2, 43, -2, -1}));
}

TEST(VarCorrelate, MatchesTheReferenceLoops) {
  std::mt19937_64 gen(5);
  for (int n : {1, 2, 7, 64, 129, 300}) {
    for (std::size_t rows : {1u, 3u, 257u}) {
      const Eigen::MatrixXd l = random_lower(n, gen);
      std::vector<double> z = random_normals(rows * static_cast<std::size_t>(n), gen), ref(z.size());
      correlate_rows_ref(l, rows, z.data(), ref.data());
      correlate_rows(l, rows, z.data());
      // Each entry sums at most n products of O(1) terms: bound the rounding by n eps of the
      // sum of their magnitudes (about sqrt(n) for these inputs, n as a safe bound).
      for (std::size_t i = 0; i < z.size(); ++i)
        ASSERT_NEAR(z[i], ref[i], 4.0 * n * n * 2.3e-16) << "n " << n << " rows " << rows << " entry " << i;
    }
  }
}

TEST(VarCorrelate, ARowAloneAgreesWithItsBlock) {
  std::mt19937_64 gen(9);
  const int n = 300;
  const std::size_t rows = 4096;
  const Eigen::MatrixXd l = random_lower(n, gen);
  const std::vector<double> z = random_normals(rows * n, gen);
  std::vector<double> block = z;
  correlate_rows(l, rows, block.data());
  for (std::size_t r : {0u, 1u, 7u, 2048u, 4095u}) {
    std::vector<double> alone(z.begin() + static_cast<std::ptrdiff_t>(r * n),
                              z.begin() + static_cast<std::ptrdiff_t>((r + 1) * n));
    correlate_rows(l, 1, alone.data());
    for (int a = 0; a < n; ++a)
      ASSERT_NEAR(alone[static_cast<std::size_t>(a)], block[r * n + a], 4.0 * n * n * 2.3e-16) << r << " " << a;
  }
  // The same block again, with other values in the other rows: row 5 keeps its bits.
  std::vector<double> other = random_normals(rows * n, gen);
  std::copy_n(z.begin() + 5 * n, n, other.begin() + 5 * n);
  correlate_rows(l, rows, other.data());
  for (int a = 0; a < n; ++a) ASSERT_EQ(other[5 * n + static_cast<std::size_t>(a)], block[5 * n + a]) << a;
}

}  // namespace
}  // namespace qg::kernels::var
