#pragma once
// Fixed-width vectors of doubles through the GCC/Clang vector extension: one native register,
// 8 lanes with AVX-512 and 4 lanes otherwise (AVX2). The sweep kernels put that many parameter
// sets in the lanes and keep their running state in these vectors, so it stays in registers
// across the time loop. The width must match the target: GCC lowers a vector wider than the
// hardware's into scalar code for comparisons and selects (an 8-lane kernel built for AVX2 ran
// about 115 instructions per lane and bar). Lanes are independent, so results do not depend on
// the width. GCC does not auto-vectorize the mixed int8/int32/double loops of these kernels,
// hence the explicit lanes. The few operations the extension lacks (gather, int8 widening and
// narrowing) use intrinsics when available and a plain loop otherwise.
#include <cstdint>
#include <cstring>

#include "target_ns.hpp"

#if defined(__AVX512F__) && defined(__AVX512VL__)
#include <immintrin.h>
#define QG_SIMD_AVX512 1
#elif defined(__AVX2__)
#include <immintrin.h>
#define QG_SIMD_AVX2 1
#endif

namespace qg::kernels {
inline namespace QG_KERNEL_TARGET_NS {
namespace simd {

#if defined(QG_SIMD_AVX512)
inline constexpr int kWidth = 8;
#else
inline constexpr int kWidth = 4;
#endif
using VecD = double __attribute__((vector_size(8 * kWidth)));
using Mask = std::int64_t __attribute__((vector_size(8 * kWidth)));  // lanes are 0 or -1
using VecI32 = std::int32_t __attribute__((vector_size(4 * kWidth)));
using VecI8 = std::int8_t __attribute__((vector_size(kWidth)));

//! All lanes set to x.
inline VecD splat(double x) { return VecD{} + x; }
//! All lanes set to x.
inline VecI32 splat_i32(std::int32_t x) { return VecI32{} + x; }
//! Lane-wise m ? a : b.
inline VecD select(Mask m, VecD a, VecD b) { return m ? a : b; }
//! Lane-wise minimum (a when a < b, else b).
inline VecD vmin(VecD a, VecD b) { return a < b ? a : b; }
//! Lane-wise maximum (a when a > b, else b).
inline VecD vmax(VecD a, VecD b) { return a > b ? a : b; }
//! Lane-wise |a|, by clearing the sign bit (one instruction, where max(a, -a) takes two).
inline VecD vabs(VecD a) { return reinterpret_cast<VecD>(reinterpret_cast<Mask>(a) & INT64_MAX); }
//! acc + 1 in the lanes where m is set (one masked add; counts accumulate as exact doubles).
inline VecD count_where(Mask m, VecD acc) { return m ? acc + 1.0 : acc; }

//! True when every lane of m is set.
inline bool all_set(Mask m) {
  bool all = true;
  for (int l = 0; l < kWidth; ++l) all = all && m[l] != 0;
  return all;
}

//! Bit l set when lane l of m is set (a movemask).
inline unsigned lane_bits(Mask m) {
#if defined(QG_SIMD_AVX512)
  return _mm512_movepi64_mask(reinterpret_cast<__m512i>(m));
#elif defined(QG_SIMD_AVX2)
  return static_cast<unsigned>(_mm256_movemask_pd(reinterpret_cast<__m256d>(m)));
#else
  unsigned bits = 0;
  for (int l = 0; l < kWidth; ++l) bits |= m[l] != 0 ? 1U << l : 0U;
  return bits;
#endif
}

//! kWidth consecutive doubles (unaligned).
inline VecD load(const double* p) {
  VecD v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
//! kWidth consecutive int32 (unaligned).
inline VecI32 load_i32(const std::int32_t* p) {
  VecI32 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

//! kWidth consecutive int8 positions widened to doubles.
inline VecD load_i8(const std::int8_t* p) {
#if defined(QG_SIMD_AVX512)
  // The masked forms with explicit zero sources: GCC 12's unmasked ones trip -Wuninitialized.
  const __m256i wide = _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
  return reinterpret_cast<VecD>(_mm512_mask_cvtepi32_pd(_mm512_setzero_pd(), 0xFF, wide));
#else
  VecI8 v;
  std::memcpy(&v, p, sizeof v);
  return __builtin_convertvector(v, VecD);
#endif
}

//! Stores lanes holding -1.0, 0.0 or 1.0 as kWidth consecutive int8.
inline void store_i8(std::int8_t* p, VecD v) {
#if defined(QG_SIMD_AVX512)
  const __m256i ints = _mm512_mask_cvtpd_epi32(_mm256_setzero_si256(), 0xFF, reinterpret_cast<__m512d>(v));
  const __m128i bytes = _mm256_mask_cvtepi32_epi8(_mm_setzero_si128(), 0xFF, ints);
  _mm_storel_epi64(reinterpret_cast<__m128i*>(p), bytes);
#else
  const VecI8 bytes = __builtin_convertvector(v, VecI8);
  std::memcpy(p, &bytes, sizeof bytes);
#endif
}

//! Stores the first `count` (1..kWidth) lanes as int8; a partial group must not touch the bytes after it.
inline void store_i8_n(std::int8_t* p, VecD v, int count) {
  if (count == kWidth) {
    store_i8(p, v);
    return;
  }
  std::int8_t lanes[kWidth];
  store_i8(lanes, v);
  std::memcpy(p, lanes, static_cast<std::size_t>(count));
}

//! The lanes in reverse order.
inline VecD reverse(VecD v) {
#if defined(__clang__) && defined(QG_SIMD_AVX512)  // clang spells GCC's __builtin_shuffle differently
  return __builtin_shufflevector(v, v, 7, 6, 5, 4, 3, 2, 1, 0);
#elif defined(__clang__)
  return __builtin_shufflevector(v, v, 3, 2, 1, 0);
#elif defined(QG_SIMD_AVX512)
  return __builtin_shuffle(v, Mask{7, 6, 5, 4, 3, 2, 1, 0});
#else
  return __builtin_shuffle(v, Mask{3, 2, 1, 0});
#endif
}

//! Lane l holds the largest of lanes 0..l (an inclusive prefix maximum; no NaN lanes).
inline VecD prefix_max(VecD v) {
  const VecD low = splat(-__builtin_inf());
#if defined(__clang__) && defined(QG_SIMD_AVX512)
  v = vmax(v, __builtin_shufflevector(v, low, 8, 0, 1, 2, 3, 4, 5, 6));
  v = vmax(v, __builtin_shufflevector(v, low, 8, 9, 0, 1, 2, 3, 4, 5));
  return vmax(v, __builtin_shufflevector(v, low, 8, 9, 10, 11, 0, 1, 2, 3));
#elif defined(__clang__)
  v = vmax(v, __builtin_shufflevector(v, low, 4, 0, 1, 2));
  return vmax(v, __builtin_shufflevector(v, low, 4, 5, 0, 1));
#elif defined(QG_SIMD_AVX512)
  v = vmax(v, __builtin_shuffle(v, low, Mask{8, 0, 1, 2, 3, 4, 5, 6}));
  v = vmax(v, __builtin_shuffle(v, low, Mask{8, 9, 0, 1, 2, 3, 4, 5}));
  return vmax(v, __builtin_shuffle(v, low, Mask{8, 9, 10, 11, 0, 1, 2, 3}));
#else
  v = vmax(v, __builtin_shuffle(v, low, Mask{4, 0, 1, 2}));
  return vmax(v, __builtin_shuffle(v, low, Mask{4, 5, 0, 1}));
#endif
}

//! base[idx[l]] for each lane.
inline VecD gather(const double* base, VecI32 idx) {
#if defined(QG_SIMD_AVX512)
  return reinterpret_cast<VecD>(
      _mm512_mask_i32gather_pd(_mm512_setzero_pd(), 0xFF, reinterpret_cast<__m256i>(idx), base, 8));
#elif defined(QG_SIMD_AVX2)
  // The masked form with an explicit zero source, as for AVX-512 above.
  return reinterpret_cast<VecD>(_mm256_mask_i32gather_pd(_mm256_setzero_pd(), base, reinterpret_cast<__m128i>(idx),
                                                         _mm256_castsi256_pd(_mm256_set1_epi64x(-1)), 8));
#else
  VecD v;
  for (int l = 0; l < kWidth; ++l) v[l] = base[idx[l]];
  return v;
#endif
}

}  // namespace simd
}  // namespace QG_KERNEL_TARGET_NS
}  // namespace qg::kernels
