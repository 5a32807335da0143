// The vectorised inner loops of Monte Carlo VaR: Philox rounds over arrays of counters,
// Box-Muller, and Black-Scholes over a block of spots.
//
// This file alone is compiled with -ffast-math: glibc then exposes its vector math library
// (libmvec: log, sin, cos, exp, erfc over 8 doubles at a time), which GCC uses for these
// loops. Results stay deterministic (the same binary computes the same bits for the same
// inputs, whatever the threads or ranks); they differ from the scalar references in the last
// bits only, which the tests bound.
#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <numbers>

#include "qg/kernels/var/black_scholes.hpp"
#include "qg/kernels/var/normals.hpp"

namespace qg::kernels::var {
namespace {

// Philox4x32 constants (Salmon et al., SC'11; Random123's PHILOX_M4x32_* and PHILOX_W32_*).
constexpr std::uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;
constexpr std::uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;
//! Counters per pass: the four word arrays stay in L1.
constexpr std::size_t kChunk = 1024;

#if defined(__AVX512F__)
//! (hi, lo) 32-bit halves of m * x for 16 counters: even and odd lanes through the 32x32->64
//! multiply (GCC's own vectorisation of this loop picks the much slower 64-bit vpmullq).
inline void mulhilo16(__m512i m, __m512i x, __m512i& hi, __m512i& lo) {
  const __m512i even = _mm512_mul_epu32(x, m);
  const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(x, 32), m);
  lo = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
  hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd);
}
#endif

void philox_rounds(std::uint32_t* c0, std::uint32_t* c1, std::uint32_t* c2, std::uint32_t* c3, std::size_t n,
                   std::uint32_t k0, std::uint32_t k1) {
  std::uint32_t key0[10], key1[10];
  for (int round = 0; round < 10; ++round, k0 += kW0, k1 += kW1) key0[round] = k0, key1[round] = k1;
  std::size_t i = 0;
#if defined(__AVX512F__)
  const __m512i m0 = _mm512_set1_epi32(static_cast<int>(kM0)), m1 = _mm512_set1_epi32(static_cast<int>(kM1));
  for (; i + 16 <= n; i += 16) {
    __m512i x0 = _mm512_loadu_si512(c0 + i), x1 = _mm512_loadu_si512(c1 + i);
    __m512i x2 = _mm512_loadu_si512(c2 + i), x3 = _mm512_loadu_si512(c3 + i);
    for (int round = 0; round < 10; ++round) {
      __m512i hi0, lo0, hi1, lo1;
      mulhilo16(m0, x0, hi0, lo0);
      mulhilo16(m1, x2, hi1, lo1);
      x0 = _mm512_xor_si512(_mm512_xor_si512(hi1, x1), _mm512_set1_epi32(static_cast<int>(key0[round])));
      x1 = lo1;
      x2 = _mm512_xor_si512(_mm512_xor_si512(hi0, x3), _mm512_set1_epi32(static_cast<int>(key1[round])));
      x3 = lo0;
    }
    _mm512_storeu_si512(c0 + i, x0), _mm512_storeu_si512(c1 + i, x1);
    _mm512_storeu_si512(c2 + i, x2), _mm512_storeu_si512(c3 + i, x3);
  }
#endif
  for (; i < n; ++i) {
    std::uint32_t x0 = c0[i], x1 = c1[i], x2 = c2[i], x3 = c3[i];
    for (int round = 0; round < 10; ++round) {
      const std::uint64_t p0 = static_cast<std::uint64_t>(kM0) * x0, p1 = static_cast<std::uint64_t>(kM1) * x2;
      const auto hi0 = static_cast<std::uint32_t>(p0 >> 32), lo0 = static_cast<std::uint32_t>(p0);
      const auto hi1 = static_cast<std::uint32_t>(p1 >> 32), lo1 = static_cast<std::uint32_t>(p1);
      x0 = hi1 ^ x1 ^ key0[round];
      x1 = lo1;
      x2 = hi0 ^ x3 ^ key1[round];
      x3 = lo0;
    }
    c0[i] = x0, c1[i] = x1, c2[i] = x2, c3[i] = x3;
  }
}

//! Box-Muller over n Philox outputs into z[2i], z[2i+1]; rad and ang are scratch of n. The
//! cos and sin loops are separate on purpose: GCC would fuse one loop's cos and sin into a
//! scalar sincos call and lose the vector versions.
void box_muller(const std::uint32_t* c0, const std::uint32_t* c1, const std::uint32_t* c2, const std::uint32_t* c3,
                std::size_t n, double* rad, double* ang, double* z) {
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t b1 = (static_cast<std::uint64_t>(c0[i]) << 21) ^ (c1[i] >> 11);
    const std::uint64_t b2 = (static_cast<std::uint64_t>(c2[i]) << 21) ^ (c3[i] >> 11);
    const double u1 = (static_cast<double>(b1) + 0.5) * 0x1.0p-53;
    const double u2 = (static_cast<double>(b2) + 0.5) * 0x1.0p-53;
    rad[i] = std::sqrt(-2.0 * std::log(u1));
    ang[i] = 2.0 * std::numbers::pi * u2;
  }
  double* zc = z;
  double* zs = z + n;
  for (std::size_t i = 0; i < n; ++i) zc[i] = rad[i] * std::cos(ang[i]);
  for (std::size_t i = 0; i < n; ++i) zs[i] = rad[i] * std::sin(ang[i]);
}

}  // namespace

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
    std::fill_n(s.c2.begin(), n, c2v);
    std::fill_n(s.c3.begin(), n, c3v);
    philox_rounds(s.c0.data(), s.c1.data(), s.c2.data(), s.c3.data(), n, k0, k1);
    // z: [0, 2n) radius and angle scratch, then [2n, 3n) the cos halves and [3n, 4n) the sin halves.
    double* zc = s.z.data() + 2 * n;
    box_muller(s.c0.data(), s.c1.data(), s.c2.data(), s.c3.data(), n, s.z.data(), s.z.data() + n, zc);
    const double* zs = zc + n;
    for (std::size_t r = 0; r < nr; ++r) {
      double* row = out + (r0 + r) * cols;
      for (std::size_t j = 0; j < pairs; ++j) {
        row[2 * j] = zc[r * pairs + j];
        if (2 * j + 1 < cols) row[2 * j + 1] = zs[r * pairs + j];
      }
    }
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
