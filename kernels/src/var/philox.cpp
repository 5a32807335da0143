// Philox4x32-10 rounds and uniform conversion over arrays (see philox.hpp). Compiled without
// -ffast-math: the conversion's additions are exact or rounded once, in the reference's order.
#include "philox.hpp"

#if defined(__AVX512F__) || defined(__AVX2__)
#include <immintrin.h>
#endif

namespace qg::kernels::var {
namespace {

// Philox4x32 constants (Salmon et al., SC'11; Random123's PHILOX_M4x32_* and PHILOX_W32_*).
constexpr std::uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;
constexpr std::uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;
constexpr int kRounds = 10;

using RoundKeys = PhiloxKeys;

#if defined(__AVX512F__)
constexpr std::size_t kLanes = 16;
using Vec = __m512i;
inline Vec load(const std::uint32_t* p) { return _mm512_loadu_si512(p); }
inline void store(std::uint32_t* p, Vec v) { _mm512_storeu_si512(p, v); }
inline Vec splat(std::uint32_t x) { return _mm512_set1_epi32(static_cast<int>(x)); }
inline Vec xor3(Vec a, Vec b, Vec c) { return _mm512_xor_si512(_mm512_xor_si512(a, b), c); }
//! (hi, lo) 32-bit halves of m * x per lane: even and odd lanes through the 32x32->64 multiply
//! (GCC's own vectorisation of the scalar loop picks the much slower 64-bit vpmullq).
inline void mulhilo(Vec m, Vec x, Vec& hi, Vec& lo) {
  const Vec even = _mm512_mul_epu32(x, m);
  const Vec odd = _mm512_mul_epu32(_mm512_srli_epi64(x, 32), m);
  lo = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
  hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd);
}
#elif defined(__AVX2__)
constexpr std::size_t kLanes = 8;
using Vec = __m256i;
inline Vec load(const std::uint32_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
inline void store(std::uint32_t* p, Vec v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); }
inline Vec splat(std::uint32_t x) { return _mm256_set1_epi32(static_cast<int>(x)); }
inline Vec xor3(Vec a, Vec b, Vec c) { return _mm256_xor_si256(_mm256_xor_si256(a, b), c); }
//! (hi, lo) 32-bit halves of m * x per lane (philox.hpp; GCC leaves the scalar loop scalar for AVX2).
inline void mulhilo(Vec m, Vec x, Vec& hi, Vec& lo) { philox_mulhilo8(m, x, hi, lo); }
#endif

#if defined(__AVX512F__) || defined(__AVX2__)
//! The vector rounds over counters [0, n - n % kLanes); returns where the scalar tail starts.
std::size_t philox_vector(std::uint32_t* c0, std::uint32_t* c1, std::uint32_t* c2, std::uint32_t* c3, std::size_t n,
                          const RoundKeys& keys) {
  const Vec m0 = splat(kM0), m1 = splat(kM1);
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    Vec x0 = load(c0 + i), x1 = load(c1 + i), x2 = load(c2 + i), x3 = load(c3 + i);
    for (int round = 0; round < kRounds; ++round) {
      Vec hi0, lo0, hi1, lo1;
      mulhilo(m0, x0, hi0, lo0);
      mulhilo(m1, x2, hi1, lo1);
      x0 = xor3(hi1, x1, splat(keys.k0[round]));
      x1 = lo1;
      x2 = xor3(hi0, x3, splat(keys.k1[round]));
      x3 = lo0;
    }
    store(c0 + i, x0), store(c1 + i, x1), store(c2 + i, x2), store(c3 + i, x3);
  }
  return i;
}
#else
std::size_t philox_vector(std::uint32_t*, std::uint32_t*, std::uint32_t*, std::uint32_t*, std::size_t,
                          const RoundKeys&) {
  return 0;
}
#endif

#if defined(__AVX2__)
//! Four uniforms: the unsigned words become doubles exactly (hi through the signed conversion
//! offset by 2^31), b = hi 2^21 + (lo >> 11) is exact below 2^53, and (b + 0.5) 2^-53 rounds
//! as the scalar expression does.
std::size_t uniforms_vector(const std::uint32_t* hi, const std::uint32_t* lo, std::size_t n, double* u) {
  const __m128i flip = _mm_set1_epi32(static_cast<int>(0x80000000u));
  const __m256d two31 = _mm256_set1_pd(0x1.0p31), two21 = _mm256_set1_pd(0x1.0p21);
  const __m256d half = _mm256_set1_pd(0.5), scale = _mm256_set1_pd(0x1.0p-53);
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(hi + i));
    const __m128i l = _mm_loadu_si128(reinterpret_cast<const __m128i*>(lo + i));
    const __m256d hd = _mm256_add_pd(_mm256_cvtepi32_pd(_mm_xor_si128(h, flip)), two31);
    const __m256d ld = _mm256_cvtepi32_pd(_mm_srli_epi32(l, 11));
    const __m256d b = _mm256_add_pd(_mm256_mul_pd(hd, two21), ld);
    _mm256_storeu_pd(u + i, _mm256_mul_pd(_mm256_add_pd(b, half), scale));
  }
  return i;
}
#else
std::size_t uniforms_vector(const std::uint32_t*, const std::uint32_t*, std::size_t, double*) { return 0; }
#endif

}  // namespace

PhiloxKeys philox_keys(std::uint32_t k0, std::uint32_t k1) {
  PhiloxKeys keys{};
  for (int round = 0; round < kRounds; ++round, k0 += kW0, k1 += kW1) keys.k0[round] = k0, keys.k1[round] = k1;
  return keys;
}

void philox_rounds(std::uint32_t* c0, std::uint32_t* c1, std::uint32_t* c2, std::uint32_t* c3, std::size_t n,
                   std::uint32_t k0, std::uint32_t k1) {
  const RoundKeys keys = philox_keys(k0, k1);
  for (std::size_t i = philox_vector(c0, c1, c2, c3, n, keys); i < n; ++i) {
    std::uint32_t x0 = c0[i], x1 = c1[i], x2 = c2[i], x3 = c3[i];
    for (int round = 0; round < kRounds; ++round) {
      const std::uint64_t p0 = static_cast<std::uint64_t>(kM0) * x0, p1 = static_cast<std::uint64_t>(kM1) * x2;
      x0 = static_cast<std::uint32_t>(p1 >> 32) ^ x1 ^ keys.k0[round];
      x1 = static_cast<std::uint32_t>(p1);
      x2 = static_cast<std::uint32_t>(p0 >> 32) ^ x3 ^ keys.k1[round];
      x3 = static_cast<std::uint32_t>(p0);
    }
    c0[i] = x0, c1[i] = x1, c2[i] = x2, c3[i] = x3;
  }
}

void philox_uniforms(const std::uint32_t* hi, const std::uint32_t* lo, std::size_t n, double* u) {
  for (std::size_t i = uniforms_vector(hi, lo, n, u); i < n; ++i) {
    const std::uint64_t bits = (static_cast<std::uint64_t>(hi[i]) << 21) ^ (lo[i] >> 11);
    u[i] = (static_cast<double>(bits) + 0.5) * 0x1.0p-53;
  }
}

}  // namespace qg::kernels::var
