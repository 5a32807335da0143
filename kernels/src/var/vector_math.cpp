// The vectorised inner loops of Monte Carlo VaR: Box-Muller over the uniforms of Philox
// (philox.cpp) and Black-Scholes over a block of spots.
//
// This file alone is compiled with -ffast-math: glibc then exposes its vector math library
// (libmvec: log, sin, cos, exp, erfc over 8 doubles at a time), which GCC uses for these
// loops. Results stay deterministic (the same binary computes the same bits for the same
// inputs, whatever the threads or ranks); they differ from the scalar references in the last
// bits only, which the tests bound.
#include <algorithm>
#include <cmath>
#include <numbers>

#if defined(__AVX2__) && !defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "box_muller.hpp"
#include "philox.hpp"
#include "qg/kernels/var/black_scholes.hpp"
#include "qg/kernels/var/normals.hpp"

namespace qg::kernels::var {
namespace {

//! Counters per pass: the four word arrays stay in L1.
constexpr std::size_t kChunk = 1024;
//! From this many pairs a row, a pass stores its normals straight into their rows (narrower
//! rows go through the cos and sin halves and interleave: most groups of four would straddle).
constexpr std::size_t kDirectPairs = 16;

#if defined(__AVX2__) && !defined(__AVX512F__)
}  // namespace
}  // namespace qg::kernels::var

// libmvec's AVX2 and SSE entry points: the functions GCC's vectorisation of the plain loops
// below calls for the 4-wide bodies and the 2-wide epilogues of x86-64-v3 builds. The names are
// glibc's vector ABI (reserved identifiers by design), so the check is off for these lines.
// NOLINTBEGIN(bugprone-reserved-identifier)
extern "C" __m256d _ZGVdN4v_log(__m256d);
extern "C" __m256d _ZGVdN4v_cos(__m256d);
extern "C" __m256d _ZGVdN4v_sin(__m256d);
extern "C" __m128d _ZGVbN2v_log(__m128d);
extern "C" __m128d _ZGVbN2v_cos(__m128d);
extern "C" __m128d _ZGVbN2v_sin(__m128d);
// NOLINTEND(bugprone-reserved-identifier)

namespace qg::kernels::var {
namespace {

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

//! Box-Muller of four Philox outputs (words w0..w3) through libmvec's AVX2 log, cos and sin:
//! zc = radius cos(angle), zs = radius sin(angle).
inline void box_muller4(__m128i w0, __m128i w1, __m128i w2, __m128i w3, __m256d& zc, __m256d& zs) {
  const __m256d radius = _mm256_sqrt_pd(_mm256_mul_pd(_mm256_set1_pd(-2.0), _ZGVdN4v_log(uniforms4(w0, w1))));
  const __m256d angle = _mm256_mul_pd(_mm256_set1_pd(2.0 * std::numbers::pi), uniforms4(w2, w3));
  zc = _mm256_mul_pd(radius, _ZGVdN4v_cos(angle));
  zs = _mm256_mul_pd(radius, _ZGVdN4v_sin(angle));
}

//! x, through an empty asm statement: a loop calling libm on it stays scalar (GCC would
//! vectorise it through libmvec, or fuse a cos and a sin of it into sincos).
inline double opaque(double x) {
  asm("" : "+x"(x));
  return x;
}

//! The last m < 4 outputs as GCC's vectorised loops treat them: the first two through libmvec's
//! SSE functions and a third through libm; but a loop shorter than 4 (no 4-wide body) takes its
//! cos from libm for all. cos and sin stay separate calls (a fused sincos rounds differently).
void box_muller_tail(const std::uint32_t* c0, const std::uint32_t* c1, const std::uint32_t* c2, const std::uint32_t* c3,
                     std::size_t m, bool after_body, double* zc, double* zs) {
  double u1[4] = {0.5, 0.5, 0.5, 0.5}, u2[4] = {};
  philox_uniforms(c0, c1, m, u1);
  philox_uniforms(c2, c3, m, u2);
  double radius[4], angle[4], cosine[4], sine[4];
  for (std::size_t t = 0; t < m; ++t) angle[t] = 2.0 * std::numbers::pi * u2[t];
  const std::size_t wide = m >= 2 ? 2 : 0;
  if (wide != 0) {
    _mm_storeu_pd(radius, _mm_sqrt_pd(_mm_mul_pd(_mm_set1_pd(-2.0), _ZGVbN2v_log(_mm_loadu_pd(u1)))));
    _mm_storeu_pd(sine, _ZGVbN2v_sin(_mm_loadu_pd(angle)));
    _mm_storeu_pd(cosine, _ZGVbN2v_cos(_mm_loadu_pd(angle)));
  }
  for (std::size_t t = wide; t < m; ++t) radius[t] = std::sqrt(-2.0 * std::log(opaque(u1[t])));
  for (std::size_t t = wide; t < m; ++t) sine[t] = std::sin(opaque(angle[t]));
  for (std::size_t t = after_body ? wide : 0; t < m; ++t) cosine[t] = std::cos(opaque(angle[t]));
  for (std::size_t t = 0; t < m; ++t) zc[t] = radius[t] * cosine[t], zs[t] = radius[t] * sine[t];
}

//! box_muller_pairs in one pass over the words: four at a time through libmvec's AVX2 functions,
//! then the tail as the plain loops (box_muller_pairs_ref) treat it, so the bits are the same.
void box_muller_vector(const std::uint32_t* c0, const std::uint32_t* c1, const std::uint32_t* c2,
                       const std::uint32_t* c3, std::size_t n, double* zc, double* zs) {
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    __m256d c, z;
    box_muller4(load4(c0 + i), load4(c1 + i), load4(c2 + i), load4(c3 + i), c, z);
    _mm256_storeu_pd(zc + i, c);
    _mm256_storeu_pd(zs + i, z);
  }
  if (i < n) box_muller_tail(c0 + i, c1 + i, c2 + i, c3 + i, n - i, i > 0, zc + i, zs + i);
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

//! Outputs per step of normals_pass: Philox for all of them, then one function at a time over
//! them (back-to-back independent libmvec calls, nothing live across them but the arrays).
constexpr std::size_t kStep = 64;

//! The last m < kStep outputs of a pass of n from output i (row r, pair j): Philox over arrays,
//! groups of four, then box_muller_tail.
void pass_tail(const std::uint32_t* c0, const std::uint32_t* c1, std::uint32_t c2v, std::uint32_t c3v, std::uint32_t k0,
               std::uint32_t k1, std::size_t i, std::size_t n, std::size_t r, std::size_t j, const PassShape& p) {
  const std::size_t m = n - i;
  std::uint32_t w0[kStep], w1[kStep], w2[kStep], w3[kStep];
  for (std::size_t k = 0; k < m; ++k) w0[k] = c0[i + k], w1[k] = c1[i + k], w2[k] = c2v, w3[k] = c3v;
  philox_rounds(w0, w1, w2, w3, m, k0, k1);
  std::size_t h = 0;
  for (; h + 4 <= m; h += 4) {
    __m256d zc, zs;
    box_muller4(load4(w0 + h), load4(w1 + h), load4(w2 + h), load4(w3 + h), zc, zs);
    store4(zc, zs, i + h, r, j, p);
    for (j += 4; j >= p.pairs; j -= p.pairs) ++r;
  }
  if (h == m) return;
  double zc[4], zs[4];
  box_muller_tail(w0 + h, w1 + h, w2 + h, w3 + h, m - h, n >= 4, zc, zs);
  scatter_pairs(zc, zs, i + h, m - h, p);
}

//! Step 1 of normals_pass: Philox on eight lanes in registers for outputs [0, kStep) of c0, c1,
//! their u1 and angles 2 pi u2.
void philox_step(const std::uint32_t* c0, const std::uint32_t* c1, std::uint32_t c2v, std::uint32_t c3v,
                 const PhiloxKeys& keys, double* u1, double* angle) {
  const __m256d two_pi = _mm256_set1_pd(2.0 * std::numbers::pi);
  for (std::size_t b = 0; b < kStep; b += 8) {
    __m256i x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(c0 + b));
    __m256i x1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(c1 + b));
    __m256i x2 = _mm256_set1_epi32(static_cast<int>(c2v)), x3 = _mm256_set1_epi32(static_cast<int>(c3v));
    philox_rounds8(x0, x1, x2, x3, keys);
    const auto lo = [](__m256i x) { return _mm256_castsi256_si128(x); };
    const auto hi = [](__m256i x) { return _mm256_extracti128_si256(x, 1); };
    _mm256_store_pd(u1 + b, uniforms4(lo(x0), lo(x1)));
    _mm256_store_pd(u1 + b + 4, uniforms4(hi(x0), hi(x1)));
    _mm256_store_pd(angle + b, _mm256_mul_pd(two_pi, uniforms4(lo(x2), lo(x3))));
    _mm256_store_pd(angle + b + 4, _mm256_mul_pd(two_pi, uniforms4(hi(x2), hi(x3))));
  }
}

//! One pass of fill_normals, n = rows x pairs outputs from the counters (c0[i], c1[i], c2v, c3v),
//! kStep outputs at a time: Philox, radius, cos, sin, then the normals stored in their rows. The
//! same bits as Philox over arrays, box_muller_pairs_ref and interleave.
void normals_pass(const std::uint32_t* c0, const std::uint32_t* c1, std::uint32_t c2v, std::uint32_t c3v,
                  std::uint32_t k0, std::uint32_t k1, std::size_t n, const PassShape& p) {
  const PhiloxKeys keys = philox_keys(k0, k1);
  alignas(32) double radius[kStep], angle[kStep], zc[kStep], zs[kStep];
  std::size_t i = 0, r = 0, j = 0;
  for (; i + kStep <= n; i += kStep) {
    philox_step(c0 + i, c1 + i, c2v, c3v, keys, radius, angle);
    for (std::size_t b = 0; b < kStep; b += 4)
      _mm256_store_pd(radius + b,
                      _mm256_sqrt_pd(_mm256_mul_pd(_mm256_set1_pd(-2.0), _ZGVdN4v_log(_mm256_load_pd(radius + b)))));
    for (std::size_t b = 0; b < kStep; b += 4)
      _mm256_store_pd(zc + b, _mm256_mul_pd(_mm256_load_pd(radius + b), _ZGVdN4v_cos(_mm256_load_pd(angle + b))));
    for (std::size_t b = 0; b < kStep; b += 4)
      _mm256_store_pd(zs + b, _mm256_mul_pd(_mm256_load_pd(radius + b), _ZGVdN4v_sin(_mm256_load_pd(angle + b))));
    for (std::size_t b = 0; b < kStep; b += 4) {
      store4(_mm256_load_pd(zc + b), _mm256_load_pd(zs + b), i + b, r, j, p);
      for (j += 4; j >= p.pairs; j -= p.pairs) ++r;
    }
  }
  if (i < n) pass_tail(c0, c1, c2v, c3v, k0, k1, i, n, r, j, p);
}
#endif

//! Box-Muller over n uniform pairs (u1, u2), in place: u1 becomes the radius
//! sqrt(-2 ln u1) and u2 the angle 2 pi u2; z[i] = radius cos(angle), z[n + i] = radius
//! sin(angle). The loops are separate on purpose: each vectorises through libmvec, and GCC
//! would fuse one loop's cos and sin into a scalar sincos call and lose the vector versions.
//! The layout (u1, u2, z adjacent) is part of the result: below n = 4, GCC's overlap check
//! sends the cos loop to libm (box_muller_tail reproduces it).
void box_muller(double* u1, double* u2, std::size_t n, double* z) {
  for (std::size_t i = 0; i < n; ++i) u1[i] = std::sqrt(-2.0 * std::log(u1[i]));
  for (std::size_t i = 0; i < n; ++i) u2[i] = 2.0 * std::numbers::pi * u2[i];
  double* zc = z;
  double* zs = z + n;
  for (std::size_t i = 0; i < n; ++i) zc[i] = u1[i] * std::cos(u2[i]);
  for (std::size_t i = 0; i < n; ++i) zs[i] = u1[i] * std::sin(u2[i]);
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

}  // namespace

void box_muller_pairs_ref(const std::uint32_t* c0, const std::uint32_t* c1, const std::uint32_t* c2,
                          const std::uint32_t* c3, std::size_t n, double* zc, double* zs, double* work) {
  double* u1 = work;
  double* u2 = work + n;
  philox_uniforms(c0, c1, n, u1);
  philox_uniforms(c2, c3, n, u2);
  box_muller(u1, u2, n, work + 2 * n);
  std::copy_n(work + 2 * n, n, zc);
  std::copy_n(work + 3 * n, n, zs);
}

void box_muller_pairs(const std::uint32_t* c0, const std::uint32_t* c1, const std::uint32_t* c2,
                      const std::uint32_t* c3, std::size_t n, double* zc, double* zs, [[maybe_unused]] double* work) {
#if defined(__AVX2__) && !defined(__AVX512F__)
  box_muller_vector(c0, c1, c2, c3, n, zc, zs);
#else
  box_muller_pairs_ref(c0, c1, c2, c3, n, zc, zs, work);
#endif
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
  s.c0.resize(cap), s.c1.resize(cap), s.c2.resize(cap), s.c3.resize(cap), s.z.resize(6 * cap);
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
#if defined(__AVX2__) && !defined(__AVX512F__)
    if (pairs >= kDirectPairs) {
      normals_pass(s.c0.data(), s.c1.data(), c2v, c3v, k0, k1, n, {pairs, cols, out + r0 * cols});
      continue;
    }
#endif
    std::fill_n(s.c2.begin(), n, c2v);
    std::fill_n(s.c3.begin(), n, c3v);
    philox_rounds(s.c0.data(), s.c1.data(), s.c2.data(), s.c3.data(), n, k0, k1);
    // z: [0, n) the cos halves, [n, 2n) the sin halves, [2n, 6n) scratch.
    double* zc = s.z.data();
    double* zs = zc + n;
    box_muller_pairs(s.c0.data(), s.c1.data(), s.c2.data(), s.c3.data(), n, zc, zs, zc + 2 * n);
    for (std::size_t r = 0; r < nr; ++r) interleave(zc + r * pairs, zs + r * pairs, cols, out + (r0 + r) * cols);
  }
}

void bs_price_block(OptionType type, const double* spots, std::size_t n, double k, double t, double r, double sigma,
                    double* out) {
  if (t <= 0) {
    for (std::size_t i = 0; i < n; ++i) out[i] = bs_price(type, spots[i], k, t, r, sigma);
    return;
  }
  const double df = std::exp(-r * t), vol = sigma * std::sqrt(t), drift = (r + 0.5 * sigma * sigma) * t;
  const double kdf = k * df, inv_vol = 1.0 / vol, half_sqrt2 = 0.5 * std::numbers::sqrt2;
  // call: s N(d1) - k df N(d2); put: k df N(-d2) - s N(-d1) = -(s N(-d1) - k df N(-d2)).
  const double sign = type == OptionType::kCall ? 1.0 : -1.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double s = std::max(spots[i], 1e-300);  // a shock below -100% leaves a worthless underlying
    const double d1 = (std::log(s / k) + drift) * inv_vol, d2 = d1 - vol;
    const double n1 = 0.5 * std::erfc(-sign * d1 * half_sqrt2), n2 = 0.5 * std::erfc(-sign * d2 * half_sqrt2);
    out[i] = sign * (s * n1 - kdf * n2);
  }
}

}  // namespace qg::kernels::var
