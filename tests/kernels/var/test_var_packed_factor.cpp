// The packed triangular product Y = Z L^T, with each tile (AVX2 6 x 8, AVX-512 8 x 16: plain
// loops of the same operations where the CPU lacks AVX-512), against its plain-loop twin (the
// same fma chain in k order, so bit for bit), the plain multiply-add loops of correlate_rows_ref
// (to rounding), a hand-computed 2 x 2 case, and a row computed alone against the same row in
// blocks of every shape (bit for bit: stage 2 regenerates a tail scenario by itself).
#include <gtest/gtest.h>

#include <Eigen/Dense>

#include <cmath>
#include <random>
#include <vector>

#include "qg/kernels/kernel_target.hpp"
#include "qg/kernels/var/correlate.hpp"
#include "random_factor.hpp"
#include "qg/kernels/var/packed_factor.hpp"

namespace qg::kernels::var {
namespace {

using test_inputs::random_lower;
using test_inputs::random_normals;

class VarPackedFactor : public ::testing::TestWithParam<PackedFactor::Tile> {};

INSTANTIATE_TEST_SUITE_P(Tiles, VarPackedFactor,
                         ::testing::Values(PackedFactor::Tile::kAvx2, PackedFactor::Tile::kAvx512),
                         [](const auto& info) { return info.param == PackedFactor::Tile::kAvx2 ? "Avx2" : "Avx512"; });

TEST_P(VarPackedFactor, HandComputedTwoByTwo) {
  Eigen::MatrixXd l(2, 2);
  l << 2, 99, 3, 4;  // L = [[2, 0], [3, 4]]; 99 is above the diagonal and ignored
  std::vector<double> z = {1, 10, -1, 0.5}, scratch;
  PackedFactor(l, GetParam()).correlate(2, z.data(), scratch);
  // Row (1, 10): (2*1, 3*1 + 4*10) = (2, 43); row (-1, 0.5): (-2, -3 + 2) = (-2, -1).
  EXPECT_EQ(z, (std::vector<double>{2, 43, -2, -1}));
}

TEST_P(VarPackedFactor, EqualsTheFmaLoopsBitForBit) {
  std::mt19937_64 gen(5);
  // Widths around the panels (8, 16) and depth chunk (192); row counts around the tiles (6, 8)
  // and the packed block (48).
  for (int n : {1, 2, 7, 8, 9, 15, 16, 17, 64, 191, 192, 193, 300, 500}) {
    const Eigen::MatrixXd l = random_lower(n, gen);
    const PackedFactor factor(l, GetParam());
    std::vector<double> scratch;
    for (std::size_t rows : {1u, 5u, 6u, 7u, 8u, 9u, 48u, 49u, 257u}) {
      std::vector<double> z = random_normals(rows * static_cast<std::size_t>(n), gen), ref(z.size()), plain(z.size());
      correlate_fma_ref(l, rows, z.data(), ref.data());
      correlate_rows_ref(l, rows, z.data(), plain.data());
      factor.correlate(rows, z.data(), scratch);
      for (std::size_t i = 0; i < z.size(); ++i) {
        ASSERT_EQ(z[i], ref[i]) << "n " << n << " rows " << rows << " entry " << i;
        // Against plain multiply-adds: each entry sums at most n products of O(1) terms.
        ASSERT_NEAR(z[i], plain[i], 4.0 * n * n * 2.3e-16) << "n " << n << " rows " << rows << " entry " << i;
      }
    }
  }
}

TEST_P(VarPackedFactor, ARowAloneEqualsItsBlock) {
  std::mt19937_64 gen(9);
  const int n = 300;
  const std::size_t rows = 4096;
  const Eigen::MatrixXd l = random_lower(n, gen);
  const PackedFactor factor(l, GetParam());
  std::vector<double> scratch;
  const std::vector<double> z = random_normals(rows * n, gen);
  std::vector<double> block = z;
  factor.correlate(rows, block.data(), scratch);
  for (std::size_t r : {0u, 1u, 7u, 47u, 48u, 2048u, 4095u}) {
    std::vector<double> alone(z.begin() + static_cast<std::ptrdiff_t>(r * n),
                              z.begin() + static_cast<std::ptrdiff_t>((r + 1) * n));
    factor.correlate(1, alone.data(), scratch);
    for (int a = 0; a < n; ++a) ASSERT_EQ(alone[static_cast<std::size_t>(a)], block[r * n + a]) << r << " " << a;
  }
}

TEST(VarPackedFactorTiles, BestTileFollowsTheKernelTarget) {
  // QG_KERNEL_TARGET unset: the best target this CPU runs, so AVX-512 exactly where it runs v4.
  const bool v4 = kernel_target() == "x86-64-v4";
  EXPECT_EQ(PackedFactor::best_tile(), v4 ? PackedFactor::Tile::kAvx512 : PackedFactor::Tile::kAvx2);
  EXPECT_EQ(PackedFactor(Eigen::MatrixXd::Identity(3, 3)).tile(), PackedFactor::best_tile());
}

}  // namespace
}  // namespace qg::kernels::var
