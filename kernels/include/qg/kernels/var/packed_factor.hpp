#pragma once
// The correlated draw of Monte Carlo VaR, Y = Z L^T, as a blocked triangular product with the
// factor packed once (the simulator's product; correlate.hpp keeps the OpenBLAS DTRMM it
// replaced and the plain-loop reference).
//
// L^T is packed at construction into panels of 8 assets (16 with the AVX-512 tile), each holding
// the rows k <= its last asset (the zero blocks below the diagonal are never stored or
// multiplied). A call packs its scenarios 48 rows at a time (each group of tile rows k-major, one
// pack per row block, reused by every panel) and runs an FMA tile over depth chunks of 192: 6 x 8
// in AVX2, or 8 x 16 in AVX-512 where the CPU has it and the process's kernel target is
// x86-64-v4 (kernel_target.hpp; QG_KERNEL_TARGET=x86-64-v3 keeps AVX2). Every entry is the fused
// multiply-add chain y = fma(z_k, L(a, k), y) over k = 0..a in k order, starting from 0 (a
// panel's padding adds fma(z_k, 0, y) = y): the tiles, chunks, widths and the row count of the
// call change only which register holds the sum, never the operations, so a row's result is the
// same bits alone or in any block, with either tile, and equals correlate_fma_ref bit for bit.
#include <Eigen/Core>

#include <cstddef>
#include <vector>

namespace qg::kernels::var {

class PackedFactor {
 public:
  //! The register tile: AVX2 6 x 8 or AVX-512 8 x 16 (scenarios x assets).
  enum class Tile { kAvx2, kAvx512 };
  //! Depth per chunk, scenarios per packed block (a multiple of both tiles' rows).
  static constexpr std::size_t kDepth = 192, kBlockRows = 48;

  PackedFactor() = default;
  //! Packs the lower triangle of `chol` (its upper triangle is not read) for `tile`.
  explicit PackedFactor(const Eigen::MatrixXd& chol, Tile tile = best_tile());

  //! AVX-512 when this CPU has it and the process's kernel target is x86-64-v4, else AVX2.
  static Tile best_tile();

  std::size_t size() const { return n_; }
  Tile tile() const { return tile_; }

  //! z (rows x n, row-major) := z L^T in place; `scratch` holds the packed rows (one per thread).
  void correlate(std::size_t rows, double* z, std::vector<double>& scratch) const;

 private:
  //! At most kBlockRows rows: pack them into `packed_rows`, then every (chunk, panel, tile).
  void correlate_block(std::size_t rows, double* z, double* packed_rows) const;

  std::size_t n_ = 0;
  Tile tile_ = Tile::kAvx2;
  std::vector<std::size_t> panel_start_;  // panel j's packed L^T starts at panel_start_[j]
  std::vector<double> panels_;            // panel j: rows k = 0..min(n, nr j + nr) - 1, nr values each
};

//! Reference: y[r][a] = fma chain over k = 0..a of chol(a, k) z[r][k] in k order from 0 (the
//! packed product's exact operations, as plain loops).
void correlate_fma_ref(const Eigen::MatrixXd& chol, std::size_t rows, const double* z, double* y);

}  // namespace qg::kernels::var
