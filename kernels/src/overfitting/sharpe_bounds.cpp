// Bounded Sharpe estimates (sharpe_bounds.hpp), from float sums.
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
//                      <= (k + 3) u (s2 / D)^1.5 sqrt(2 rho T2 / s2) <= (k + 3) u 1.025 sqrt(8 / 32)
//                      = 0.51 (k + 3) u;
//   - by the s2 error: <= |f| / (2 D) (k + 3) u T2 <= |f| (k + 3) u 4 / (2 0.984) <= 0.26 (k + 3) u,
//     since f^2 <= (s1^2 / m) / D = (s2 - D) / D < (1/64) / 0.984, |f| < 0.126.
// In all at most 0.78 (k + 3) u absolutely; absolute_float(k) = (k + 3) 2^-23 = 2 (k + 3) u claims
// 2.6 times that. The arithmetic in float adds, relatively to |e|:
//   - mean = s1 (1/m): 2u (1/m rounded, the product);
//   - the fused D = s2 - s1 mean: u, plus 2u of s1 mean < D / 63; the variance D (1/(m - 1)) 2u
//     more: about 3u in all, 1.5u in r;
//   - r0 = the reciprocal square root estimate (RSQRTPS): relative error at most 1.5 2^-12 =
//     3.7e-4 by the x86 specification; one Newton step in float, r = r0 (1.5 - 0.5 v r0^2),
//     squares it: 1.5 (3.7e-4)^2 = 2.1e-7, plus three float roundings (1.8e-7);
//   - the product mean r: u.
// Under 6.6e-7 |e| against the 2^-18 = 3.8e-6 claimed, which holds while the hardware estimate is
// within 3.5 times its specified error. The checks keep the floats normal: with s2 in
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

// The checks of the absolute_float bound (above).
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
//! Eight lanes of estimate_float() of the sums (a, b) with share floors `floor`. Folds the
//! estimates into the running maximum (NaN skipped) and `nan` (all bits set in a lane that saw a NaN).
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
