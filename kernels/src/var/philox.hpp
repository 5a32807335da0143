#pragma once
// The integer half of the VaR normal generator (fill_normals in vector_math.cpp): Philox4x32-10
// rounds over arrays of counters, and the 53-bit uniforms made of its output words. Vectorised
// with AVX-512 or AVX2 where the build targets them; every path gives the same bits as
// Random123's philox4x32 and the scalar conversion of normals_ref.cpp.
#include <cstddef>
#include <cstdint>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace qg::kernels::var {

//! Ten Philox4x32 rounds, in place, over the n counters (c0[i], c1[i], c2[i], c3[i]) under the
//! key (k0, k1).
void philox_rounds(std::uint32_t* c0, std::uint32_t* c1, std::uint32_t* c2, std::uint32_t* c3, std::size_t n,
                   std::uint32_t k0, std::uint32_t k1);
//! u[i] = (b + 0.5) 2^-53 with the 53 bits b = (hi[i] << 21) ^ (lo[i] >> 11): in (0, 1], since
//! b + 0.5 rounds to even above 2^52 and the largest b gives exactly 1.
void philox_uniforms(const std::uint32_t* hi, const std::uint32_t* lo, std::size_t n, double* u);

//! The ten round keys of the key (k0, k1).
struct PhiloxKeys {
  std::uint32_t k0[10], k1[10];
};
PhiloxKeys philox_keys(std::uint32_t k0, std::uint32_t k1);

#if defined(__AVX2__)
//! (hi, lo) 32-bit halves of m * x per lane: even and odd lanes through the 32x32->64 multiply.
inline void philox_mulhilo8(__m256i m, __m256i x, __m256i& hi, __m256i& lo) {
  const __m256i even = _mm256_mul_epu32(x, m);
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(x, 32), m);
  lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
  hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
}

//! Ten Philox4x32 rounds over eight counters (x0, x1, x2, x3) in registers.
inline void philox_rounds8(__m256i& x0, __m256i& x1, __m256i& x2, __m256i& x3, const PhiloxKeys& keys) {
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(0xD2511F53u));
  const __m256i m1 = _mm256_set1_epi32(static_cast<int>(0xCD9E8D57u));
  for (int round = 0; round < 10; ++round) {
    __m256i hi0, lo0, hi1, lo1;
    philox_mulhilo8(m0, x0, hi0, lo0);
    philox_mulhilo8(m1, x2, hi1, lo1);
    x0 = _mm256_xor_si256(_mm256_xor_si256(hi1, x1), _mm256_set1_epi32(static_cast<int>(keys.k0[round])));
    x1 = lo1;
    x2 = _mm256_xor_si256(_mm256_xor_si256(hi0, x3), _mm256_set1_epi32(static_cast<int>(keys.k1[round])));
    x3 = lo0;
  }
}
#endif

}  // namespace qg::kernels::var
