#pragma once
// The two functions of Box-Muller, written out so that the vector and the scalar forms compute
// the same bits: ln u of a uniform u in (0, 1] and (sin, cos) of the angle 2 pi u ("u turns").
// Every operation is one IEEE operation (explicit FMAs), so a translation unit that includes this
// header must be compiled without -ffast-math and with -ffp-contract=off (kernels/CMakeLists.txt).
//
// ln: fdlibm's e_log.c (u = 2^k m, m in [sqrt(2)/2, sqrt(2)), f = m - 1, s = f / (2 + f),
// ln m = f - (f^2/2 - s (f^2/2 + R(s^2))), its minimax R of degree 14); under 1 ulp in fdlibm's
// analysis. sin/cos: t = 4u, q = nearest integer to t, r = t - q in [-1/2, 1/2] (both exact),
// x = r pi/2 carried as x_hi + x_lo (an FMA product), then fdlibm's k_sin.c and k_cos.c kernels
// on |x| <= pi/4 and the quadrant q mod 4. The reduction is exact, so near sin = 0 or cos = 0
// the result keeps its relative accuracy (libm's sin(2 pi u) loses it in the rounding of 2 pi u).
// Both are tested against libm's long double functions (test_var_box_muller_math.cpp).
#include <bit>
#include <cmath>
#include <cstdint>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

namespace qg::kernels::var::bm {

inline constexpr double kLn2Hi = 6.93147180369123816490e-01, kLn2Lo = 1.90821492927058770002e-10;
inline constexpr double kLg1 = 6.666666666666735130e-01, kLg2 = 3.999999999940941908e-01,
                        kLg3 = 2.857142874366239149e-01, kLg4 = 2.222219843214978396e-01,
                        kLg5 = 1.818357216161805012e-01, kLg6 = 1.531383769920937332e-01,
                        kLg7 = 1.479819860511658591e-01;
inline constexpr double kSqrt2 = 1.41421356237309514547e+00;  // sqrt(2) rounded down
inline constexpr double kS1 = -1.66666666666666324348e-01, kS2 = 8.33333333332248946124e-03,
                        kS3 = -1.98412698298579493134e-04, kS4 = 2.75573137070700676789e-06,
                        kS5 = -2.50507602534068634195e-08, kS6 = 1.58969099521155010221e-10;
inline constexpr double kC1 = 4.16666666666666019037e-02, kC2 = -1.38888888888741095749e-03,
                        kC3 = 2.48015872894767294178e-05, kC4 = -2.75573143513906633035e-07,
                        kC5 = 2.08757232129817482790e-09, kC6 = -1.13596475577881948265e-11;
inline constexpr double kPio2Hi = 1.57079632679489655800e+00, kPio2Lo = 6.12323399573676603587e-17;

//! ln u for u in (0, 1] (positive normal numbers; ln 1 = 0 exactly).
inline double log_unit(double u) {
  const auto bits = std::bit_cast<std::uint64_t>(u);
  double k = static_cast<double>(static_cast<std::int64_t>(bits >> 52) - 1023);
  double m = std::bit_cast<double>((bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull);
  if (m > kSqrt2) m *= 0.5, k += 1.0;
  const double f = m - 1.0, s = f / (2.0 + f), z = s * s, w = z * z;
  const double t1 = w * std::fma(w, std::fma(w, kLg6, kLg4), kLg2);
  const double t2 = z * std::fma(w, std::fma(w, std::fma(w, kLg7, kLg5), kLg3), kLg1);
  const double r = t2 + t1, hfsq = 0.5 * f * f;
  return k * kLn2Hi - ((hfsq - (s * (hfsq + r) + k * kLn2Lo)) - f);
}

//! sin and cos of x + y, |x| <= pi/4, |y| below an ulp of x (fdlibm's kernels).
inline void sincos_kernel(double x, double y, double& s, double& c) {
  const double z = x * x, w = z * z;
  const double rs = std::fma(z, std::fma(z, kS4, kS3), kS2) + z * w * std::fma(z, kS6, kS5);
  const double v = z * x;
  s = x - ((z * (0.5 * y - v * rs) - y) - v * kS1);
  const double rc = z * std::fma(z, std::fma(z, kC3, kC2), kC1) + w * w * std::fma(z, std::fma(z, kC6, kC5), kC4);
  const double hz = 0.5 * z, a = 1.0 - hz;
  c = a + (((1.0 - a) - hz) + (z * rc - x * y));
}

//! s = sin(2 pi u), c = cos(2 pi u) for u in [0, 1].
inline void sincos_turns(double u, double& s, double& c) {
  const double t = 4.0 * u, q = std::nearbyint(t), r = t - q;
  const double x = r * kPio2Hi, y = std::fma(r, kPio2Lo, std::fma(r, kPio2Hi, -x));
  double ks, kc;
  sincos_kernel(x, y, ks, kc);
  const auto quadrant = static_cast<int>(q);
  s = (quadrant & 1) != 0 ? kc : ks;
  c = (quadrant & 1) != 0 ? ks : kc;
  if ((quadrant & 2) != 0) s = -s;
  if (((quadrant + 1) & 2) != 0) c = -c;
}

#if defined(__AVX2__) && defined(__FMA__)
//! log_unit of four lanes (the same operations, the same bits).
inline __m256d log_unit4(__m256d u) {
  const __m256i bits = _mm256_castpd_si256(u);
  // The exponent field e as a double: e | 2^52's bits, minus 2^52 (exact).
  const __m256d two52 = _mm256_set1_pd(0x1.0p52);
  const __m256d e = _mm256_sub_pd(
      _mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(bits, 52), _mm256_castpd_si256(two52))), two52);
  __m256d k = _mm256_sub_pd(e, _mm256_set1_pd(1023.0));
  __m256d m = _mm256_castsi256_pd(_mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi64x(0x000FFFFFFFFFFFFFll)),
                                                  _mm256_set1_epi64x(0x3FF0000000000000ll)));
  const __m256d big = _mm256_cmp_pd(m, _mm256_set1_pd(kSqrt2), _CMP_GT_OQ);
  m = _mm256_blendv_pd(m, _mm256_mul_pd(m, _mm256_set1_pd(0.5)), big);
  k = _mm256_blendv_pd(k, _mm256_add_pd(k, _mm256_set1_pd(1.0)), big);
  const __m256d f = _mm256_sub_pd(m, _mm256_set1_pd(1.0));
  const __m256d s = _mm256_div_pd(f, _mm256_add_pd(_mm256_set1_pd(2.0), f));
  const __m256d z = _mm256_mul_pd(s, s), w = _mm256_mul_pd(z, z);
  const auto fma = [](__m256d a, __m256d b, double c) { return _mm256_fmadd_pd(a, b, _mm256_set1_pd(c)); };
  const __m256d t1 = _mm256_mul_pd(w, fma(w, fma(w, _mm256_set1_pd(kLg6), kLg4), kLg2));
  const __m256d t2 = _mm256_mul_pd(z, fma(w, fma(w, fma(w, _mm256_set1_pd(kLg7), kLg5), kLg3), kLg1));
  const __m256d r = _mm256_add_pd(t2, t1);
  const __m256d hfsq = _mm256_mul_pd(_mm256_mul_pd(_mm256_set1_pd(0.5), f), f);
  const __m256d inner =
      _mm256_add_pd(_mm256_mul_pd(s, _mm256_add_pd(hfsq, r)), _mm256_mul_pd(k, _mm256_set1_pd(kLn2Lo)));
  return _mm256_sub_pd(_mm256_mul_pd(k, _mm256_set1_pd(kLn2Hi)), _mm256_sub_pd(_mm256_sub_pd(hfsq, inner), f));
}

//! sincos_turns of four lanes (the same operations, the same bits).
inline void sincos_turns4(__m256d u, __m256d& s, __m256d& c) {
  const __m256d t = _mm256_mul_pd(_mm256_set1_pd(4.0), u);
  const __m256d q = _mm256_round_pd(t, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m256d r = _mm256_sub_pd(t, q);
  const __m256d hi = _mm256_set1_pd(kPio2Hi);
  const __m256d x = _mm256_mul_pd(r, hi);
  const __m256d y = _mm256_fmadd_pd(r, _mm256_set1_pd(kPio2Lo), _mm256_fmsub_pd(r, hi, x));
  const auto fma = [](__m256d a, __m256d b, double c) { return _mm256_fmadd_pd(a, b, _mm256_set1_pd(c)); };
  const __m256d z = _mm256_mul_pd(x, x), w = _mm256_mul_pd(z, z), half = _mm256_set1_pd(0.5);
  const __m256d rs = _mm256_add_pd(fma(z, fma(z, _mm256_set1_pd(kS4), kS3), kS2),
                                   _mm256_mul_pd(_mm256_mul_pd(z, w), fma(z, _mm256_set1_pd(kS6), kS5)));
  const __m256d v = _mm256_mul_pd(z, x);
  const __m256d inner = _mm256_sub_pd(_mm256_mul_pd(z, _mm256_sub_pd(_mm256_mul_pd(half, y), _mm256_mul_pd(v, rs))), y);
  const __m256d ks = _mm256_sub_pd(x, _mm256_sub_pd(inner, _mm256_mul_pd(v, _mm256_set1_pd(kS1))));
  const __m256d rc = _mm256_add_pd(_mm256_mul_pd(z, fma(z, fma(z, _mm256_set1_pd(kC3), kC2), kC1)),
                                   _mm256_mul_pd(_mm256_mul_pd(w, w), fma(z, fma(z, _mm256_set1_pd(kC6), kC5), kC4)));
  const __m256d one = _mm256_set1_pd(1.0), hz = _mm256_mul_pd(half, z), a = _mm256_sub_pd(one, hz);
  const __m256d kc = _mm256_add_pd(a, _mm256_add_pd(_mm256_sub_pd(_mm256_sub_pd(one, a), hz),
                                                    _mm256_sub_pd(_mm256_mul_pd(z, rc), _mm256_mul_pd(x, y))));
  // Quadrant bits into the lanes' sign bits: bit 0 swaps, bit 1 negates sin, bit 1 of q + 1 cos.
  const __m256i qi = _mm256_cvtepi32_epi64(_mm256_cvtpd_epi32(q));
  const __m256d swap = _mm256_castsi256_pd(_mm256_slli_epi64(qi, 63));
  const __m256i sign = _mm256_set1_epi64x(static_cast<long long>(0x8000000000000000ull));
  const __m256d sin_sign = _mm256_castsi256_pd(_mm256_and_si256(_mm256_slli_epi64(qi, 62), sign));
  const __m256d cos_sign =
      _mm256_castsi256_pd(_mm256_and_si256(_mm256_slli_epi64(_mm256_add_epi64(qi, _mm256_set1_epi64x(1)), 62), sign));
  s = _mm256_xor_pd(_mm256_blendv_pd(ks, kc, swap), sin_sign);
  c = _mm256_xor_pd(_mm256_blendv_pd(kc, ks, swap), cos_sign);
}
#endif

}  // namespace qg::kernels::var::bm
