// fill_normals: Philox4x32-10 over the counters of a block's rows, then Box-Muller through the
// written-out ln and sincos of box_muller_math.hpp. Built with -ffp-contract=off and without
// -ffast-math (kernels/CMakeLists.txt): the AVX2 lanes, the scalar tails and the plain twin
// (box_muller_pairs_ref, fill_normals_ref) then compute the same bits, whatever the row width,
// the block or the position of a normal in its pass.
#include <algorithm>
#include <cmath>

#include "box_muller.hpp"
#include "box_muller_math.hpp"
#include "philox.hpp"
#include "qg/kernels/var/normals.hpp"

namespace qg::kernels::var {
namespace {

//! Counters per pass: the four word arrays stay in L1.
constexpr std::size_t kChunk = 1024;
//! From this many pairs a row, a pass stores its normals straight into their rows (narrower
//! rows go through the cos and sin halves and interleave: most groups of four would straddle).
constexpr std::size_t kDirectPairs = 16;

//! Box-Muller of one uniform pair: zc = radius cos(angle), zs = radius sin(angle).
inline void box_muller1(double u1, double u2, double& zc, double& zs) {
  const double radius = std::sqrt(-2.0 * bm::log_unit(u1));
  double s, c;
  bm::sincos_turns(u2, s, c);
  zc = radius * c;
  zs = radius * s;
}

//! Where the outputs of one pass of fill_normals go: output i (pair j = i mod pairs of row
//! i / pairs) gives out[row cols + 2j] (cos) and out[row cols + 2j + 1] (sin, if below cols).
struct PassShape {
  std::size_t pairs, cols;
  double* out;  // the pass's first row
};

//! Writes the pairs (zc[k], zs[k]) of outputs i + k, k < m, to their places.
void scatter_pairs(const double* zc, const double* zs, std::size_t i, std::size_t m, const PassShape& p) {
  for (std::size_t k = 0; k < m; ++k) {
    const std::size_t r = (i + k) / p.pairs, j = (i + k) % p.pairs;
    double* row = p.out + r * p.cols;
    row[2 * j] = zc[k];
    if (2 * j + 1 < p.cols) row[2 * j + 1] = zs[k];
  }
}

//! One row of `cols` normals from its cos and sin halves: row[2j] = zc[j], row[2j + 1] = zs[j]
//! (an odd width ends with a cos). Without the branch, GCC vectorises the interleaving stores.
void interleave(const double* zc, const double* zs, std::size_t cols, double* row) {
  const std::size_t full = cols / 2;
  for (std::size_t j = 0; j < full; ++j) {
    row[2 * j] = zc[j];
    row[2 * j + 1] = zs[j];
  }
  if (cols % 2 != 0) row[cols - 1] = zc[full];
}

//! The last m outputs of a pass from output i: Philox over arrays, then one pair at a time.
void pass_tail(const std::uint32_t* c0, const std::uint32_t* c1, std::uint32_t c2v, std::uint32_t c3v, std::uint32_t k0,
               std::uint32_t k1, std::size_t i, std::size_t m, const PassShape& p) {
  constexpr std::size_t kMax = 8;
  std::uint32_t w0[kMax], w1[kMax], w2[kMax], w3[kMax];
  double u1[kMax], u2[kMax], zc[kMax], zs[kMax];
  for (std::size_t k = 0; k < m; ++k) w0[k] = c0[i + k], w1[k] = c1[i + k], w2[k] = c2v, w3[k] = c3v;
  philox_rounds(w0, w1, w2, w3, m, k0, k1);
  philox_uniforms(w0, w1, m, u1);
  philox_uniforms(w2, w3, m, u2);
  for (std::size_t k = 0; k < m; ++k) box_muller1(u1[k], u2[k], zc[k], zs[k]);
  scatter_pairs(zc, zs, i, m, p);
}

#if defined(__AVX2__) && defined(__FMA__)
//! Four uniforms of philox_uniforms (philox.hpp) from the words hi, lo: the conversions and
//! the two additions are exact, the last product rounds once.
inline __m256d uniforms4(__m128i h, __m128i l) {
  const __m128i flip = _mm_set1_epi32(static_cast<int>(0x80000000u));
  const __m256d hd = _mm256_add_pd(_mm256_cvtepi32_pd(_mm_xor_si128(h, flip)), _mm256_set1_pd(0x1.0p31));
  const __m256d b =
      _mm256_add_pd(_mm256_mul_pd(hd, _mm256_set1_pd(0x1.0p21)), _mm256_cvtepi32_pd(_mm_srli_epi32(l, 11)));
  return _mm256_mul_pd(_mm256_add_pd(b, _mm256_set1_pd(0.5)), _mm256_set1_pd(0x1.0p-53));
}

inline __m128i load4(const std::uint32_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }

//! box_muller1 of four lanes.
inline void box_muller4(__m256d u1, __m256d u2, __m256d& zc, __m256d& zs) {
  const __m256d radius = _mm256_sqrt_pd(_mm256_mul_pd(_mm256_set1_pd(-2.0), bm::log_unit4(u1)));
  __m256d s, c;
  bm::sincos_turns4(u2, s, c);
  zc = _mm256_mul_pd(radius, c);
  zs = _mm256_mul_pd(radius, s);
}

//! Writes four pairs of outputs i..i + 3 (row r, pair j for output i): interleaved in one go
//! when all four lie whole in row r, else one by one.
inline void store4(__m256d zc, __m256d zs, std::size_t i, std::size_t r, std::size_t j, const PassShape& p) {
  if (j + 4 <= p.cols / 2) {
    const __m256d lo = _mm256_unpacklo_pd(zc, zs), hi = _mm256_unpackhi_pd(zc, zs);
    double* dst = p.out + r * p.cols + 2 * j;
    _mm256_storeu_pd(dst, _mm256_permute2f128_pd(lo, hi, 0x20));
    _mm256_storeu_pd(dst + 4, _mm256_permute2f128_pd(lo, hi, 0x31));
    return;
  }
  alignas(32) double c[4], s[4];
  _mm256_store_pd(c, zc);
  _mm256_store_pd(s, zs);
  scatter_pairs(c, s, i, 4, p);
}

//! One pass of fill_normals, n = rows x pairs outputs from the counters (c0[i], c1[i], c2v, c3v),
//! eight at a time in registers (Philox's rounds, the uniforms, Box-Muller, the stores into
//! their rows), the last n mod 8 through pass_tail.
void normals_pass(const std::uint32_t* c0, const std::uint32_t* c1, std::uint32_t c2v, std::uint32_t c3v,
                  std::uint32_t k0, std::uint32_t k1, std::size_t n, const PassShape& p) {
  const PhiloxKeys keys = philox_keys(k0, k1);
  std::size_t i = 0, r = 0, j = 0;
  for (; i + 8 <= n; i += 8) {
    __m256i x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(c0 + i));
    __m256i x1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(c1 + i));
    __m256i x2 = _mm256_set1_epi32(static_cast<int>(c2v)), x3 = _mm256_set1_epi32(static_cast<int>(c3v));
    philox_rounds8(x0, x1, x2, x3, keys);
    __m256d zc, zs;
    box_muller4(uniforms4(_mm256_castsi256_si128(x0), _mm256_castsi256_si128(x1)),
                uniforms4(_mm256_castsi256_si128(x2), _mm256_castsi256_si128(x3)), zc, zs);
    store4(zc, zs, i, r, j, p);
    for (j += 4; j >= p.pairs; j -= p.pairs) ++r;
    box_muller4(uniforms4(_mm256_extracti128_si256(x0, 1), _mm256_extracti128_si256(x1, 1)),
                uniforms4(_mm256_extracti128_si256(x2, 1), _mm256_extracti128_si256(x3, 1)), zc, zs);
    store4(zc, zs, i + 4, r, j, p);
    for (j += 4; j >= p.pairs; j -= p.pairs) ++r;
  }
  if (i < n) pass_tail(c0, c1, c2v, c3v, k0, k1, i, n - i, p);
}
#endif

}  // namespace

void box_muller_pairs_ref(const std::uint32_t* c0, const std::uint32_t* c1, const std::uint32_t* c2,
                          const std::uint32_t* c3, std::size_t n, double* zc, double* zs, double* work) {
  double* u1 = work;
  double* u2 = work + n;
  philox_uniforms(c0, c1, n, u1);
  philox_uniforms(c2, c3, n, u2);
  for (std::size_t i = 0; i < n; ++i) box_muller1(u1[i], u2[i], zc[i], zs[i]);
}

void box_muller_pairs(const std::uint32_t* c0, const std::uint32_t* c1, const std::uint32_t* c2,
                      const std::uint32_t* c3, std::size_t n, double* zc, double* zs, double* work) {
  std::size_t i = 0;
#if defined(__AVX2__) && defined(__FMA__)
  for (; i + 4 <= n; i += 4) {
    __m256d c, s;
    box_muller4(uniforms4(load4(c0 + i), load4(c1 + i)), uniforms4(load4(c2 + i), load4(c3 + i)), c, s);
    _mm256_storeu_pd(zc + i, c);
    _mm256_storeu_pd(zs + i, s);
  }
#endif
  if (i < n) box_muller_pairs_ref(c0 + i, c1 + i, c2 + i, c3 + i, n - i, zc + i, zs + i, work);
}

void fill_normals(const StreamKey& key, std::uint64_t first_row, std::size_t rows, std::size_t cols, double* out,
                  NormalScratch& s) {
  const std::size_t pairs = (cols + 1) / 2;
  if (rows == 0 || pairs == 0) return;
  const auto k0 = static_cast<std::uint32_t>(key.seed), k1 = static_cast<std::uint32_t>(key.seed >> 32);
  const auto c2v = static_cast<std::uint32_t>(key.batch);
  const std::uint32_t c3v = static_cast<std::uint32_t>(((key.batch >> 32) & 0xFFFFu) << 16) | key.stream;
  // Whole rows per pass (at least one), so a pass scatters complete rows.
  const std::size_t rows_per_pass = std::max<std::size_t>(1, kChunk / pairs);
  const std::size_t cap = rows_per_pass * pairs;
  s.c0.resize(cap), s.c1.resize(cap), s.c2.resize(cap), s.c3.resize(cap), s.z.resize(4 * cap);
  for (std::size_t r0 = 0; r0 < rows; r0 += rows_per_pass) {
    const std::size_t nr = std::min(rows_per_pass, rows - r0);
    const std::size_t n = nr * pairs;
    for (std::size_t r = 0; r < nr; ++r) {
      const auto row = static_cast<std::uint32_t>(first_row + r0 + r);
      for (std::size_t j = 0; j < pairs; ++j) {
        s.c0[r * pairs + j] = static_cast<std::uint32_t>(j);
        s.c1[r * pairs + j] = row;
      }
    }
#if defined(__AVX2__) && defined(__FMA__)
    if (pairs >= kDirectPairs) {
      normals_pass(s.c0.data(), s.c1.data(), c2v, c3v, k0, k1, n, {pairs, cols, out + r0 * cols});
      continue;
    }
#endif
    std::fill_n(s.c2.begin(), n, c2v);
    std::fill_n(s.c3.begin(), n, c3v);
    philox_rounds(s.c0.data(), s.c1.data(), s.c2.data(), s.c3.data(), n, k0, k1);
    // z: [0, n) the cos halves, [n, 2n) the sin halves, [2n, 4n) the uniforms.
    double* zc = s.z.data();
    double* zs = zc + n;
    box_muller_pairs(s.c0.data(), s.c1.data(), s.c2.data(), s.c3.data(), n, zc, zs, zc + 2 * n);
    for (std::size_t r = 0; r < nr; ++r) interleave(zc + r * pairs, zs + r * pairs, cols, out + (r0 + r) * cols);
  }
}

}  // namespace qg::kernels::var
