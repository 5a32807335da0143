// The blocked triangular product Y = Z L^T with the factor packed once (see packed_factor.hpp).
#include "qg/kernels/var/packed_factor.hpp"

#include <algorithm>
#include <cmath>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "qg/kernels/kernel_target.hpp"

namespace qg::kernels::var {
namespace {

//! c (Mr x Nr, row stride ldc) := (zero ? 0 : c) + the fma chain over k < depth of
//! a[k Mr + t] b[k Nr + j], in k order (the plain loops every tile computes).
template <std::size_t Mr, std::size_t Nr>
void tile_loops(std::size_t depth, const double* a, const double* b, double* c, std::size_t ldc, bool zero) {
  for (std::size_t t = 0; t < Mr; ++t)
    for (std::size_t j = 0; j < Nr; ++j) {
      double s = zero ? 0.0 : c[t * ldc + j];
      for (std::size_t k = 0; k < depth; ++k) s = std::fma(a[k * Mr + t], b[k * Nr + j], s);
      c[t * ldc + j] = s;
    }
}

//! The 6 x 8 tile, in AVX2 registers where the build has them.
void tile_6x8(std::size_t depth, const double* a, const double* b, double* c, std::size_t ldc, bool zero) {
#if defined(__AVX2__) && defined(__FMA__)
  constexpr std::size_t kMr = 6, kNr = 8;
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
  tile_loops<6, 8>(depth, a, b, c, ldc, zero);
#endif
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define QG_PACKED_AVX512 1
namespace x86_64_v4 {  // AVX-512 code lives in namespaces of this name (tests/kernels/check_target_isolation.py)

//! The 8 x 16 tile in AVX-512 registers (16 accumulators), compiled for AVX-512 whatever the
//! build's -march; called only where the CPU runs x86-64-v4 (correlate_block).
__attribute__((target("avx512f"))) void tile_8x16(std::size_t depth, const double* a, const double* b, double* c,
                                                  std::size_t ldc, bool zero) {
  constexpr std::size_t kMr = 8, kNr = 16;
  __m512d acc[kMr][2];
  for (std::size_t t = 0; t < kMr; ++t) {
    acc[t][0] = zero ? _mm512_setzero_pd() : _mm512_loadu_pd(c + t * ldc);
    acc[t][1] = zero ? _mm512_setzero_pd() : _mm512_loadu_pd(c + t * ldc + 8);
  }
#pragma GCC unroll 2
  for (std::size_t k = 0; k < depth; ++k) {
    const __m512d b0 = _mm512_loadu_pd(b + k * kNr), b1 = _mm512_loadu_pd(b + k * kNr + 8);
    for (std::size_t t = 0; t < kMr; ++t) {
      const __m512d x = _mm512_set1_pd(a[k * kMr + t]);
      acc[t][0] = _mm512_fmadd_pd(x, b0, acc[t][0]);
      acc[t][1] = _mm512_fmadd_pd(x, b1, acc[t][1]);
    }
  }
  for (std::size_t t = 0; t < kMr; ++t) {
    _mm512_storeu_pd(c + t * ldc, acc[t][0]);
    _mm512_storeu_pd(c + t * ldc + 8, acc[t][1]);
  }
}
}  // namespace x86_64_v4
#endif

using TileFunction = void (*)(std::size_t, const double*, const double*, double*, std::size_t, bool);

#if defined(__AVX2__) && defined(__FMA__)
//! Columns [k, k + 4) of six n-wide rows, k-major (24 values at dst): a 4 x 4 transpose of rows
//! 0-3 and the interleaved pairs of rows 4-5.
void pack_six_by_four(const double* z, std::size_t n, double* dst) {
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

//! Rows [0, h) of an n-wide row-major group, k-major with mr values per k (zeros past h).
void pack_rows(const double* z, std::size_t h, std::size_t mr, std::size_t n, double* dst) {
  std::size_t k = 0;
#if defined(__AVX2__) && defined(__FMA__)
  if (h == 6 && mr == 6)
    for (; k + 4 <= n; k += 4) pack_six_by_four(z + k, n, dst + k * mr);
#endif
  for (; k < n; ++k)
    for (std::size_t t = 0; t < mr; ++t) dst[k * mr + t] = t < h ? z[t * n + k] : 0.0;
}

//! The packed factor as tile_product reads it.
struct Panels {
  std::size_t n;
  const std::vector<std::size_t>& start;  // panel j's packed L^T starts at start[j]
  const std::vector<double>& values;
};

//! At most kBlockRows rows of z := z L^T: pack them into `packed_rows` (Mr rows k-major per
//! tile), then every (chunk, panel, tile) with the Mr x Nr tile `Tile` (a template argument, so
//! the AVX2 tile is inlined with its accumulators in registers).
template <std::size_t Mr, std::size_t Nr, TileFunction Tile>
void tile_product(const Panels& panels, std::size_t rows, double* z, double* packed_rows) {
  const std::size_t n = panels.n, tiles = (rows + Mr - 1) / Mr, n_panels = panels.start.size() - 1;
  for (std::size_t i = 0; i < tiles; ++i)
    pack_rows(z + i * Mr * n, std::min(Mr, rows - i * Mr), Mr, n, packed_rows + i * Mr * n);
  alignas(64) double edge[Mr * Nr];
  for (std::size_t p0 = 0; p0 < n; p0 += PackedFactor::kDepth) {
    const std::size_t p1 = std::min(n, p0 + PackedFactor::kDepth);
    // Panels ending at or before p0 take nothing from rows k >= p0 of L^T.
    for (std::size_t j = p0 / Nr; j < n_panels; ++j) {
      const std::size_t a0 = j * Nr, depth = std::min(p1, a0 + Nr) - p0, w = std::min(Nr, n - a0);
      const double* b = panels.values.data() + panels.start[j] + p0 * Nr;
      for (std::size_t i = 0; i < tiles; ++i) {
        const double* a = packed_rows + i * Mr * n + p0 * Mr;
        double* c = z + i * Mr * n + a0;
        const std::size_t h = std::min(Mr, rows - i * Mr);
        if (h == Mr && w == Nr) {
          Tile(depth, a, b, c, n, p0 == 0);
          continue;
        }
        // A partial tile (the last rows or assets) runs the same chain on a full copy.
        for (std::size_t t = 0; t < h; ++t) std::copy_n(c + t * n, w, edge + t * Nr);
        Tile(depth, a, b, edge, Nr, p0 == 0);
        for (std::size_t t = 0; t < h; ++t) std::copy_n(edge + t * Nr, w, c + t * n);
      }
    }
  }
}

}  // namespace

PackedFactor::Tile PackedFactor::best_tile() {
#ifdef QG_PACKED_AVX512
  if (kernel_target() == "x86-64-v4" && cpu_supports_kernel_target("x86-64-v4")) return Tile::kAvx512;
#endif
  return Tile::kAvx2;
}

PackedFactor::PackedFactor(const Eigen::MatrixXd& chol, Tile tile)
    : n_(static_cast<std::size_t>(chol.rows())), tile_(tile) {
  static_assert(kBlockRows % 6 == 0 && kBlockRows % 8 == 0, "a block is whole tiles of either shape");
  const std::size_t nr = tile == Tile::kAvx512 ? 16 : 8;  // the tile's assets: tile_product's Nr
  const std::size_t n_panels = (n_ + nr - 1) / nr;
  panel_start_.assign(n_panels + 1, 0);
  for (std::size_t j = 0; j < n_panels; ++j) panel_start_[j + 1] = panel_start_[j] + std::min(n_, j * nr + nr) * nr;
  panels_.assign(panel_start_[n_panels], 0.0);
  for (std::size_t j = 0; j < n_panels; ++j)
    for (std::size_t k = 0; k < std::min(n_, j * nr + nr); ++k)
      for (std::size_t c = 0; c < nr; ++c) {
        const std::size_t a = j * nr + c;
        if (a < n_ && k <= a)
          panels_[panel_start_[j] + k * nr + c] = chol(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(k));
      }
}

void PackedFactor::correlate(std::size_t rows, double* z, std::vector<double>& scratch) const {
  if (rows == 0 || n_ == 0) return;
  scratch.resize(kBlockRows * n_);
  for (std::size_t r0 = 0; r0 < rows; r0 += kBlockRows)
    correlate_block(std::min(kBlockRows, rows - r0), z + r0 * n_, scratch.data());
}

void PackedFactor::correlate_block(std::size_t rows, double* z, double* packed_rows) const {
  const Panels panels{n_, panel_start_, panels_};
  if (tile_ == Tile::kAvx2) return tile_product<6, 8, tile_6x8>(panels, rows, z, packed_rows);
#ifdef QG_PACKED_AVX512
  // The 8 x 16 tile runs as plain loops on a CPU without AVX-512 (the same operations, so tests
  // check its layout on any machine).
  if (cpu_supports_kernel_target("x86-64-v4"))
    return tile_product<8, 16, x86_64_v4::tile_8x16>(panels, rows, z, packed_rows);
#endif
  tile_product<8, 16, tile_loops<8, 16>>(panels, rows, z, packed_rows);
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
