// The blocked triangular product Y = Z L^T with the factor packed once (see packed_factor.hpp).
#include "qg/kernels/var/packed_factor.hpp"

#include <algorithm>
#include <cmath>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

namespace qg::kernels::var {
namespace {

constexpr std::size_t kMr = PackedFactor::kTileRows, kNr = PackedFactor::kPanelCols;

//! c (kMr x kNr, row stride ldc) := (zero ? 0 : c) + the fma chain over k < depth of
//! a[k kMr + t] b[k kNr + j], in k order.
void tile(std::size_t depth, const double* a, const double* b, double* c, std::size_t ldc, bool zero) {
#if defined(__AVX2__) && defined(__FMA__)
  __m256d acc[kMr][2];
  for (std::size_t t = 0; t < kMr; ++t) {
    acc[t][0] = zero ? _mm256_setzero_pd() : _mm256_loadu_pd(c + t * ldc);
    acc[t][1] = zero ? _mm256_setzero_pd() : _mm256_loadu_pd(c + t * ldc + 4);
  }
#pragma GCC unroll 2
  for (std::size_t k = 0; k < depth; ++k) {
    const __m256d b0 = _mm256_loadu_pd(b + k * kNr), b1 = _mm256_loadu_pd(b + k * kNr + 4);
    for (std::size_t t = 0; t < kMr; ++t) {
      const __m256d x = _mm256_broadcast_sd(a + k * kMr + t);
      acc[t][0] = _mm256_fmadd_pd(x, b0, acc[t][0]);
      acc[t][1] = _mm256_fmadd_pd(x, b1, acc[t][1]);
    }
  }
  for (std::size_t t = 0; t < kMr; ++t) {
    _mm256_storeu_pd(c + t * ldc, acc[t][0]);
    _mm256_storeu_pd(c + t * ldc + 4, acc[t][1]);
  }
#else
  for (std::size_t t = 0; t < kMr; ++t)
    for (std::size_t j = 0; j < kNr; ++j) {
      double s = zero ? 0.0 : c[t * ldc + j];
      for (std::size_t k = 0; k < depth; ++k) s = std::fma(a[k * kMr + t], b[k * kNr + j], s);
      c[t * ldc + j] = s;
    }
#endif
}

#if defined(__AVX2__) && defined(__FMA__)
//! Columns [k, k + 4) of six n-wide rows, k-major (24 values at dst): a 4 x 4 transpose of rows
//! 0-3 and the interleaved pairs of rows 4-5.
void pack_six_by_four(const double* z, std::size_t n, double* dst) {
  static_assert(kMr == 6);
  const __m256d r0 = _mm256_loadu_pd(z), r1 = _mm256_loadu_pd(z + n), r2 = _mm256_loadu_pd(z + 2 * n),
                r3 = _mm256_loadu_pd(z + 3 * n), r4 = _mm256_loadu_pd(z + 4 * n), r5 = _mm256_loadu_pd(z + 5 * n);
  const __m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1);
  const __m256d t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);
  const __m256d u0 = _mm256_unpacklo_pd(r4, r5), u1 = _mm256_unpackhi_pd(r4, r5);
  _mm256_storeu_pd(dst, _mm256_permute2f128_pd(t0, t2, 0x20));
  _mm_storeu_pd(dst + 4, _mm256_castpd256_pd128(u0));
  _mm256_storeu_pd(dst + 6, _mm256_permute2f128_pd(t1, t3, 0x20));
  _mm_storeu_pd(dst + 10, _mm256_castpd256_pd128(u1));
  _mm256_storeu_pd(dst + 12, _mm256_permute2f128_pd(t0, t2, 0x31));
  _mm_storeu_pd(dst + 16, _mm256_extractf128_pd(u0, 1));
  _mm256_storeu_pd(dst + 18, _mm256_permute2f128_pd(t1, t3, 0x31));
  _mm_storeu_pd(dst + 22, _mm256_extractf128_pd(u1, 1));
}
#endif

//! Rows [0, h) of an n-wide row-major group, k-major with kMr values per k (zeros past h).
void pack_rows(const double* z, std::size_t h, std::size_t n, double* dst) {
  if (h == kMr) {
    std::size_t k = 0;
#if defined(__AVX2__) && defined(__FMA__)
    for (; k + 4 <= n; k += 4) pack_six_by_four(z + k, n, dst + k * kMr);
#endif
    for (; k < n; ++k)
      for (std::size_t t = 0; t < kMr; ++t) dst[k * kMr + t] = z[t * n + k];
    return;
  }
  for (std::size_t k = 0; k < n; ++k)
    for (std::size_t t = 0; t < kMr; ++t) dst[k * kMr + t] = t < h ? z[t * n + k] : 0.0;
}

}  // namespace

PackedFactor::PackedFactor(const Eigen::MatrixXd& chol) : n_(static_cast<std::size_t>(chol.rows())) {
  const std::size_t n_panels = (n_ + kNr - 1) / kNr;
  panel_start_.assign(n_panels + 1, 0);
  for (std::size_t j = 0; j < n_panels; ++j) panel_start_[j + 1] = panel_start_[j] + std::min(n_, j * kNr + kNr) * kNr;
  panels_.assign(panel_start_[n_panels], 0.0);
  for (std::size_t j = 0; j < n_panels; ++j)
    for (std::size_t k = 0; k < std::min(n_, j * kNr + kNr); ++k)
      for (std::size_t c = 0; c < kNr; ++c) {
        const std::size_t a = j * kNr + c;
        if (a < n_ && k <= a)
          panels_[panel_start_[j] + k * kNr + c] = chol(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(k));
      }
}

void PackedFactor::correlate(std::size_t rows, double* z, std::vector<double>& scratch) const {
  if (rows == 0 || n_ == 0) return;
  scratch.resize(kBlockRows * n_);
  for (std::size_t r0 = 0; r0 < rows; r0 += kBlockRows)
    correlate_block(std::min(kBlockRows, rows - r0), z + r0 * n_, scratch.data());
}

void PackedFactor::correlate_block(std::size_t rows, double* z, double* packed_rows) const {
  const std::size_t n = n_, tiles = (rows + kMr - 1) / kMr, n_panels = panel_start_.size() - 1;
  for (std::size_t i = 0; i < tiles; ++i)
    pack_rows(z + i * kMr * n, std::min(kMr, rows - i * kMr), n, packed_rows + i * kMr * n);
  alignas(32) double edge[kMr * kNr];
  for (std::size_t p0 = 0; p0 < n; p0 += kDepth) {
    const std::size_t p1 = std::min(n, p0 + kDepth);
    // Panels ending at or before p0 take nothing from rows k >= p0 of L^T.
    for (std::size_t j = p0 / kNr; j < n_panels; ++j) {
      const std::size_t a0 = j * kNr, depth = std::min(p1, a0 + kNr) - p0, w = std::min(kNr, n - a0);
      const double* b = panels_.data() + panel_start_[j] + p0 * kNr;
      for (std::size_t i = 0; i < tiles; ++i) {
        const double* a = packed_rows + i * kMr * n + p0 * kMr;
        double* c = z + i * kMr * n + a0;
        const std::size_t h = std::min(kMr, rows - i * kMr);
        if (h == kMr && w == kNr) {
          tile(depth, a, b, c, n, p0 == 0);
          continue;
        }
        // A partial tile (the last rows or assets) runs the same chain on a full copy.
        for (std::size_t t = 0; t < h; ++t) std::copy_n(c + t * n, w, edge + t * kNr);
        tile(depth, a, b, edge, kNr, p0 == 0);
        for (std::size_t t = 0; t < h; ++t) std::copy_n(edge + t * kNr, w, c + t * n);
      }
    }
  }
}

void correlate_fma_ref(const Eigen::MatrixXd& chol, std::size_t rows, const double* z, double* y) {
  const auto n = static_cast<std::size_t>(chol.rows());
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t a = 0; a < n; ++a) {
      double sum = 0;
      for (std::size_t k = 0; k <= a; ++k)
        sum = std::fma(z[r * n + k], chol(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(k)), sum);
      y[r * n + a] = sum;
    }
  }
}

}  // namespace qg::kernels::var
