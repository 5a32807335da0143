// Bounded Sharpe estimates (sharpe_bounds.hpp). The error of an estimate relative to the exact
// lane value mean / sqrt(variance), for sums that pass the checks:
//   - mean = s1 (1/m) and variance = (s2 - s1 mean)(1/(m - 1)) in double by products instead of
//     divisions: a few units in the last place of each; as the variance keeps at least 2^-20 of
//     s2 (>= s1 mean), the cancellation magnifies them to at most about 2^-30;
//   - r0 = the float reciprocal square root estimate of float(variance): relative error at most
//     1.5 2^-12 = 3.7e-4 by the x86 specification (RSQRTPS), 2^-25 more from the rounding;
//   - one Newton step in float, r = r0 (1.5 - 0.5 v r0^2), squares it: 1.5 (3.7e-4)^2 = 2.1e-7,
//     plus three float roundings (1.8e-7);
//   - float(mean) and the product: 2 x 2^-24 (1.2e-7).
// In all under 5.5e-7 of |e|, against the 2^-18 = 3.8e-6 claimed, which holds while the
// hardware estimate is within 3.5 times its specified error. The checks keep every float normal
// (variance in [2^-120, 2^120], |mean| <= 2^70, |e| <= 2^10 since mean^2 <= s2 / m and the
// variance keeps 2^-20 of s2 / m); a mean below float's normal range loses at most 2^-149
// absolutely, times r <= 2^60: under the 2^-80 absolute term.
//
// Difference halves (estimates_difference): the sums s1 = t1 - a1, s2 = t2 - a2 of half B from
// the totals t over all 2k <= 32 blocks (any order) and half A's sums a (k blocks), where the
// exact value takes B's own sums b (its k blocks added in ascending order). With u = 2^-53 and
// recursive summation, |s1 - b1| <= (gamma_31 + gamma_15 + u) sum_j |x1_j| <= 48 u A1 (x1_j, x2_j:
// the 2k block sums, A1 = sum_j |x1_j|), and likewise |s2 - b2| <= 48 u T2 (x2_j >= 0, T2 = sum_j
// x2_j ~ t2). By Cauchy-Schwarz, each block's x1_j^2 <= L x2_j (L bars a block; its sums are of
// the same bars' net returns), so A1 <= sqrt(2k L T2) = sqrt(2 m T2) (the caller checks it and
// passes t2 = NaN where it fails, up to a 2^-20 margin that the final 32x margin covers). The Sharpe ratio of sums,
// f = s1 sqrt(m - 1) / (m sqrt(D)) with D = s2 - s1^2 / m, moves by |df/ds1| = sqrt(m - 1) s2 /
// (m D^1.5) and |df/ds2| = |f| / (2 D). The two extra checks (D > s2 / 2 and s2 >= 2^-20 t2, on
// the computed sums; the errors above move s2 and s1^2 / m by under 2^-27 of s2 there, so
// D > 0.49 s2 between the computed and the exact sums) bound these: the s1 error moves f by at
// most 48 u sqrt(2 m T2) sqrt(m - 1) (2 / 0.98)^1.5 / (m sqrt(s2)) <= 48 u 2^12.05 < 2^-35,
// and the s2 error by |f| 48 u T2 / (2 D) <= |f| 48 u 2^20 / 0.98 < 6e-9 |f|. So the difference
// estimate is within 5.6e-7 |e| + 2^-35 of the exact value: inside the 2^-18 relative term and
// kAbsoluteDifference = 2^-30 (a 32x margin on the absolute part). Halves whose variance keeps
// less than half of s2 have |Sharpe| > 0.7 per bar and are computed exactly, as are halves
// holding under 2^-20 of the trial's sum of squares (almost flat).
//
// Float sums (estimates_float, estimates_difference_float). With u = 2^-24 (float) and x1_j,
// x2_j the trial's 2k block sums (A1 = sum_j |x1_j|, T2 = sum_j x2_j), a half's float sums s1, s2
// differ from the double sums b1, b2 that its exact value takes by:
//   - chosen half: each block sum rounded to float (u |x|), k - 1 float additions from 0
//     (gamma_(k-1)), so |s1 - b1| <= (k + 1) u A1 and |s2 - b2| <= (k + 1) u T2 (the double sums'
//     own error, k 2^-53, is inside the "+ 1");
//   - other half: float(t1) - s1 (its own rounding, u |t1| <= u A1, then the chosen half's error,
//     then the subtraction's, u |result| <= u A1), so at most (k + 3) u A1 and (k + 3) u T2.
// Below, (k + 3) u for both. The caller passes t2 = NaN unless A1^2 <= rho 2 m T2 (rho =
// kAbsShare = 1/32, with a 2^-20 margin that the final margin covers; Cauchy-Schwarz on each
// block gives rho = 1, real returns far less). T2 in [2^-90, 2^90] keeps every sum finite, and
// a subnormal block sum's extra 2^-150 is negligible next to sqrt(m s2) >= 2^-46. With the
// checks s2 >= T2 / 4 and D = s2 - s1^2 / m > (63/64) s2 (on the float sums; the errors above move
// s1^2 / m by at most 2 sqrt(8 rho) (k + 3) u s2 < 2e-6 s2 for k <= 16, so D > 0.984 s2 along the
// whole segment to the double sums), the Sharpe ratio f = s1 sqrt(m - 1) / (m sqrt(D)), whose
// derivatives are sqrt(m - 1) s2 / (m D^1.5) in s1 and -f / (2 D) in s2, moves:
//   - by the s1 error: <= sqrt(m - 1) s2 / (m D^1.5) (k + 3) u sqrt(2 rho m T2)
//                      <= (k + 3) u (s2 / D)^1.5 sqrt(2 rho T2 / s2) <= (k + 3) u 1.017 sqrt(8 / 32)
//                      = 0.51 (k + 3) u;
//   - by the s2 error: <= |f| / (2 D) (k + 3) u T2 <= |f| (k + 3) u 4 / (2 0.984) <= 0.26 (k + 3) u,
//     since f^2 <= (s1^2 / m) / D = (s2 - D) / D < (1/64) / 0.984, |f| < 0.126.
// In all at most 0.78 (k + 3) u absolutely; absolute_float(k) = (k + 3) 2^-23 = 2 (k + 3) u claims
// 2.6 times that. The arithmetic in float adds relatively: mean = s1 (1/m) 2u; the fused
// D = s2 - s1 mean u plus 2u of s1 mean < D / 63; the variance 2u more, so about 1.5u in r; then
// the reciprocal square root estimate and Newton step as above (3.9e-7) and the product 2u: under
// 6.6e-7 |e| against the 2^-18 = 3.8e-6 claimed. The checks keep the floats normal: with s2 in
// [T2 / 4, T2] (to rounding), D in [0.98 s2, s2] and 2 <= m <= 2^24 (share_floors), the variance
// D / (m - 1) lies in [2^-117, 2^91]; a subnormal mean loses 2^-149 times r <= 2^59, under the
// absolute term.
#include "sharpe_bounds.hpp"

#include <bit>
#include <limits>

#if defined(__SSE__)
#include <immintrin.h>
#endif

namespace qg::kernels::sharpe_bounds {
namespace {

constexpr double kCancel = 0x1p-20;  // the variance must keep this share of s2
constexpr double kVarianceMin = 0x1p-120, kVarianceMax = 0x1p120;
constexpr double kDifferenceCancel = 0.5;     // a difference half's variance keeps half of its s2
constexpr double kDifferenceShare = 0x1p-20;  // and its s2 keeps this share of the total t2
// Float sums: the checks of the absolute_float bound (above).
constexpr float kFloatCancel = 63.0f / 64.0f, kFloatShare = 0.25f;
constexpr float kFloatTotalMin = 0x1p-90f, kFloatTotalMax = 0x1p90f;
constexpr double kFloatBarsMax = 0x1p24;

float rsqrt_estimate(float v) {
#if defined(__SSE__)
  return _mm_cvtss_f32(_mm_rsqrt_ss(_mm_set_ss(v)));
#else
  return 1.0f / std::sqrt(v);
#endif
}

float estimate(double a, double b, double inv_m, double inv_m1, double cancel) {
  const double mean = a * inv_m;
  const double d = b - a * mean;
  const double v = d * inv_m1;
  if (!(d > cancel * b && v >= kVarianceMin && v <= kVarianceMax)) return std::numeric_limits<float>::quiet_NaN();
  const auto vf = static_cast<float>(v);
  const float r0 = rsqrt_estimate(vf);
  return static_cast<float>(mean) * (r0 * (1.5f - 0.5f * vf * r0 * r0));
}

float estimate_difference(double t1, double t2, double s1, double s2, double inv_m, double inv_m1) {
  const double a = t1 - s1, b = t2 - s2;
  if (!(b >= kDifferenceShare * t2)) return std::numeric_limits<float>::quiet_NaN();
  return estimate(a, b, inv_m, inv_m1, kDifferenceCancel);
}

//! estimates_float's estimate of one half's float sums (a, b) with the trial's share floor.
float estimate_float(float a, float b, float floor, float inv_m, float inv_m1) {
  const float mean = a * inv_m;
  const float d = std::fma(-a, mean, b);
  const float v = d * inv_m1;
  if (!(b >= floor && d > kFloatCancel * b)) return std::numeric_limits<float>::quiet_NaN();
  const float r0 = rsqrt_estimate(v);
  return mean * (r0 * (1.5f - 0.5f * v * r0 * r0));
}

#if defined(__AVX2__) && defined(__FMA__)
//! Four lanes of sums (a, b) and the lanes (all bits set) that passed the caller's own checks.
struct Lanes4 {
  __m256d a, b, ok;
};

//! Mean and variance of four lanes in double (as estimate()), the variance NaN where a check fails.
void moments4(const Lanes4& x, __m256d inv_m, __m256d inv_m1, __m256d cancel, __m256d& mean, __m256d& v) {
  mean = _mm256_mul_pd(x.a, inv_m);
  const __m256d d = _mm256_fnmadd_pd(x.a, mean, x.b);
  v = _mm256_mul_pd(d, inv_m1);
  __m256d ok = _mm256_and_pd(x.ok, _mm256_cmp_pd(d, _mm256_mul_pd(x.b, cancel), _CMP_GT_OQ));
  ok = _mm256_and_pd(ok, _mm256_cmp_pd(v, _mm256_set1_pd(kVarianceMin), _CMP_GE_OQ));
  ok = _mm256_and_pd(ok, _mm256_cmp_pd(v, _mm256_set1_pd(kVarianceMax), _CMP_LE_OQ));
  v = _mm256_blendv_pd(_mm256_set1_pd(std::numeric_limits<double>::quiet_NaN()), v, ok);
}

Lanes4 sums4(const double* s1, const double* s2) {
  const __m256d all = _mm256_castsi256_pd(_mm256_set1_epi64x(-1));
  return {_mm256_loadu_pd(s1), _mm256_loadu_pd(s2), all};
}

//! Four lanes of a difference half (estimate_difference): t - s, and the share check.
Lanes4 difference4(const double* t1, const double* t2, const double* s1, const double* s2) {
  const __m256d total = _mm256_loadu_pd(t2), b = _mm256_sub_pd(total, _mm256_loadu_pd(s2));
  const __m256d share = _mm256_cmp_pd(b, _mm256_mul_pd(total, _mm256_set1_pd(kDifferenceShare)), _CMP_GE_OQ);
  return {_mm256_sub_pd(_mm256_loadu_pd(t1), _mm256_loadu_pd(s1)), b, share};
}

__m256 to_float8(__m256d lo, __m256d hi) {
  return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm256_cvtpd_ps(lo)), _mm256_cvtpd_ps(hi), 1);
}

//! Eight lanes of estimate(): mean and variance in double, the reciprocal square root and its
//! Newton step in float (a NaN variance gives a NaN estimate). Folds the estimates into the
//! running maximum (NaN skipped) and `nan` (all bits set in a lane that saw a NaN).
void estimate8(const Lanes4& lo, const Lanes4& hi, __m256d inv_m, __m256d inv_m1, __m256d cancel, float* out,
               __m256& top, __m256& nan) {
  __m256d mean0, mean1, v0, v1;
  moments4(lo, inv_m, inv_m1, cancel, mean0, v0);
  moments4(hi, inv_m, inv_m1, cancel, mean1, v1);
  const __m256 v = to_float8(v0, v1), mean = to_float8(mean0, mean1);
  const __m256 r0 = _mm256_rsqrt_ps(v);
  const __m256 t = _mm256_mul_ps(_mm256_mul_ps(v, _mm256_set1_ps(0.5f)), r0);
  const __m256 r = _mm256_mul_ps(r0, _mm256_fnmadd_ps(t, r0, _mm256_set1_ps(1.5f)));
  const __m256 e = _mm256_mul_ps(mean, r);
  _mm256_storeu_ps(out, e);
  top = _mm256_max_ps(e, top);  // the second operand where e is NaN
  nan = _mm256_or_ps(nan, _mm256_cmp_ps(e, e, _CMP_UNORD_Q));
}

//! Eight lanes of estimate_float() of the sums (a, b) with totals t2; folds as estimate8.
void estimate_float8(__m256 a, __m256 b, __m256 floor, __m256 inv_m, __m256 inv_m1, float* out, __m256& top,
                     __m256& nan) {
  const __m256 mean = _mm256_mul_ps(a, inv_m);
  const __m256 d = _mm256_fnmadd_ps(a, mean, b);
  __m256 v = _mm256_mul_ps(d, inv_m1);
  const __m256 ok = _mm256_and_ps(_mm256_cmp_ps(b, floor, _CMP_GE_OQ),
                                  _mm256_cmp_ps(d, _mm256_mul_ps(b, _mm256_set1_ps(kFloatCancel)), _CMP_GT_OQ));
  v = _mm256_blendv_ps(_mm256_set1_ps(std::numeric_limits<float>::quiet_NaN()), v, ok);
  const __m256 r0 = _mm256_rsqrt_ps(v);
  const __m256 t = _mm256_mul_ps(_mm256_mul_ps(v, _mm256_set1_ps(0.5f)), r0);
  const __m256 r = _mm256_mul_ps(r0, _mm256_fnmadd_ps(t, r0, _mm256_set1_ps(1.5f)));
  const __m256 e = _mm256_mul_ps(mean, r);
  _mm256_storeu_ps(out, e);
  top = _mm256_max_ps(e, top);  // the second operand where e is NaN
  nan = _mm256_or_ps(nan, _mm256_cmp_ps(e, e, _CMP_UNORD_Q));
}

float horizontal_max(__m256 x) {
  alignas(32) float v[8];
  _mm256_store_ps(v, x);
  float m = v[0];
  for (float f : v) m = f > m ? f : m;
  return m;
}
#endif

}  // namespace

EstimateMax estimates(const double* s1, const double* s2, double m, std::size_t count, float* est) {
  const double inv_m = 1.0 / m, inv_m1 = 1.0 / (m - 1);
  constexpr float inf = std::numeric_limits<float>::infinity();
  float top = -inf;
  bool nan = false;
  std::size_t i = 0;
#if defined(__AVX2__) && defined(__FMA__)
  __m256 vtop = _mm256_set1_ps(-inf), vnan = _mm256_setzero_ps();
  const __m256d vinv_m = _mm256_set1_pd(inv_m), vinv_m1 = _mm256_set1_pd(inv_m1), cancel = _mm256_set1_pd(kCancel);
  for (; i + 8 <= count; i += 8)
    estimate8(sums4(s1 + i, s2 + i), sums4(s1 + i + 4, s2 + i + 4), vinv_m, vinv_m1, cancel, est + i, vtop, vnan);
  top = horizontal_max(vtop), nan = _mm256_movemask_ps(vnan) != 0;
#endif
  for (; i < count; ++i) {
    est[i] = estimate(s1[i], s2[i], inv_m, inv_m1, kCancel);
    nan = nan || std::isnan(est[i]);
    top = est[i] > top ? est[i] : top;
  }
  return {top, nan ? inf : top};
}

EstimateMax estimates_difference(const double* t1, const double* t2, const double* s1, const double* s2, double m,
                                 std::size_t count, float* est) {
  const double inv_m = 1.0 / m, inv_m1 = 1.0 / (m - 1);
  constexpr float inf = std::numeric_limits<float>::infinity();
  float top = -inf;
  bool nan = false;
  std::size_t i = 0;
#if defined(__AVX2__) && defined(__FMA__)
  __m256 vtop = _mm256_set1_ps(-inf), vnan = _mm256_setzero_ps();
  const __m256d vinv_m = _mm256_set1_pd(inv_m), vinv_m1 = _mm256_set1_pd(inv_m1);
  const __m256d cancel = _mm256_set1_pd(kDifferenceCancel);
  for (; i + 8 <= count; i += 8)
    estimate8(difference4(t1 + i, t2 + i, s1 + i, s2 + i), difference4(t1 + i + 4, t2 + i + 4, s1 + i + 4, s2 + i + 4),
              vinv_m, vinv_m1, cancel, est + i, vtop, vnan);
  top = horizontal_max(vtop), nan = _mm256_movemask_ps(vnan) != 0;
#endif
  for (; i < count; ++i) {
    est[i] = estimate_difference(t1[i], t2[i], s1[i], s2[i], inv_m, inv_m1);
    nan = nan || std::isnan(est[i]);
    top = est[i] > top ? est[i] : top;
  }
  return {top, nan ? inf : top};
}

namespace {

//! estimates_float (difference = false: the sums are (s1, s2)) or estimates_difference_float
//! (true: (t1 - s1, t2 - s2)).
EstimateMax float_estimates(const float* t1, const float* t2, const float* floor, const float* s1, const float* s2,
                            double m, std::size_t count, float* est, bool difference) {
  const auto inv_m = static_cast<float>(1.0 / m), inv_m1 = static_cast<float>(1.0 / (m - 1));
  constexpr float inf = std::numeric_limits<float>::infinity();
  float top = -inf;
  bool nan = false;
  std::size_t i = 0;
#if defined(__AVX2__) && defined(__FMA__)
  __m256 vtop = _mm256_set1_ps(-inf), vnan = _mm256_setzero_ps();
  const __m256 vinv_m = _mm256_set1_ps(inv_m), vinv_m1 = _mm256_set1_ps(inv_m1);
  for (; i + 8 <= count; i += 8) {
    __m256 a = _mm256_loadu_ps(s1 + i), b = _mm256_loadu_ps(s2 + i);
    if (difference) a = _mm256_sub_ps(_mm256_loadu_ps(t1 + i), a), b = _mm256_sub_ps(_mm256_loadu_ps(t2 + i), b);
    estimate_float8(a, b, _mm256_loadu_ps(floor + i), vinv_m, vinv_m1, est + i, vtop, vnan);
  }
  top = horizontal_max(vtop), nan = _mm256_movemask_ps(vnan) != 0;
#endif
  for (; i < count; ++i) {
    const float a = difference ? t1[i] - s1[i] : s1[i], b = difference ? t2[i] - s2[i] : s2[i];
    est[i] = estimate_float(a, b, floor[i], inv_m, inv_m1);
    nan = nan || std::isnan(est[i]);
    top = est[i] > top ? est[i] : top;
  }
  return {top, nan ? inf : top};
}

}  // namespace

void share_floors(const float* t2, double m, std::size_t count, float* floor) {
  const bool bars_ok = m >= 2 && m <= kFloatBarsMax;
  for (std::size_t i = 0; i < count; ++i)
    floor[i] = bars_ok && t2[i] >= kFloatTotalMin && t2[i] <= kFloatTotalMax ? kFloatShare * t2[i]
                                                                             : std::numeric_limits<float>::quiet_NaN();
}

EstimateMax estimates_float(const float* s1, const float* s2, const float* floor, double m, std::size_t count,
                            float* est) {
  return float_estimates(nullptr, nullptr, floor, s1, s2, m, count, est, false);
}

EstimateMax estimates_difference_float(const float* t1, const float* t2, const float* floor, const float* s1,
                                       const float* s2, double m, std::size_t count, float* est) {
  return float_estimates(t1, t2, floor, s1, s2, m, count, est, true);
}

float guess_high_reaches(double t, double absolute) {
  const double x = t - absolute;  // e + kRelative |e| = x
  return static_cast<float>(x / (x >= 0 ? 1 + kRelative : 1 - kRelative));
}

float guess_low_reaches(double t, double absolute) {
  const double x = t + absolute;  // e - kRelative |e| = x
  return static_cast<float>(x / (x >= 0 ? 1 - kRelative : 1 + kRelative));
}

namespace detail {

std::int32_t key(float f) {
  const auto i = std::bit_cast<std::int32_t>(f);
  return i >= 0 ? i : std::numeric_limits<std::int32_t>::min() - i;
}

float from_key(std::int32_t k) {
  return std::bit_cast<float>(k >= 0 ? k : std::numeric_limits<std::int32_t>::min() - k);
}

namespace {

//! count_settled's counts of est[i0, end) in plain loops, its chunks from i0 on.
void count_settled_plain(const float* est, std::size_t i0, std::size_t end, const RankLimits& lim, std::size_t chunk,
                         std::size_t& below, std::size_t& tie, std::vector<std::size_t>& open) {
  for (std::size_t c = i0; c < end; c += chunk) {
    bool settled = true;
    for (std::size_t i = c; i < std::min(end, c + chunk); ++i) {
      const float e = est[i];
      const bool b = e < lim.below, t = e >= lim.tie_lo && e < lim.tie_hi;
      below += b ? 1 : 0, tie += t ? 1 : 0;
      settled = settled && (b || t || e >= lim.above);
    }
    if (!settled) open.push_back(c);
  }
}

}  // namespace

void count_settled(const float* est, std::size_t n, const RankLimits& lim, std::size_t chunk, std::size_t& below,
                   std::size_t& tie, std::vector<std::size_t>& open) {
  below = 0, tie = 0;
  open.clear();
  std::size_t c = 0;
#if defined(__AVX2__)
  if (chunk % 8 == 0) {
    __m256i vb = _mm256_setzero_si256(), vt = _mm256_setzero_si256();  // 32-bit counts a lane
    const __m256 bl = _mm256_set1_ps(lim.below), al = _mm256_set1_ps(lim.above);
    const __m256 tl = _mm256_set1_ps(lim.tie_lo), th = _mm256_set1_ps(lim.tie_hi);
    for (; c + chunk <= n; c += chunk) {
      __m256 settled = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
      for (std::size_t i = c; i < c + chunk; i += 8) {
        const __m256 x = _mm256_loadu_ps(est + i);
        const __m256 b = _mm256_cmp_ps(x, bl, _CMP_LT_OQ);
        const __m256 t = _mm256_and_ps(_mm256_cmp_ps(x, tl, _CMP_GE_OQ), _mm256_cmp_ps(x, th, _CMP_LT_OQ));
        vb = _mm256_sub_epi32(vb, _mm256_castps_si256(b));  // a set lane is -1
        vt = _mm256_sub_epi32(vt, _mm256_castps_si256(t));
        settled = _mm256_and_ps(settled, _mm256_or_ps(_mm256_or_ps(b, t), _mm256_cmp_ps(x, al, _CMP_GE_OQ)));
      }
      if (_mm256_movemask_ps(settled) != 0xFF) open.push_back(c);
    }
    alignas(32) std::int32_t lanes_b[8], lanes_t[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(lanes_b), vb);
    _mm256_store_si256(reinterpret_cast<__m256i*>(lanes_t), vt);
    for (int l = 0; l < 8; ++l)
      below += static_cast<std::size_t>(lanes_b[l]), tie += static_cast<std::size_t>(lanes_t[l]);
  }
#endif
  count_settled_plain(est, c, n, lim, chunk, below, tie, open);
}

}  // namespace detail
}  // namespace qg::kernels::sharpe_bounds
