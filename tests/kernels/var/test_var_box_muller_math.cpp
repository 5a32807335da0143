// The written-out ln and sincos of the normals (kernels/src/var/box_muller_math.hpp) against
// libm's long double logl, sinl and cosl (64-bit significands: 11 bits beyond a double), in ulps
// of the double nearest the reference, over 2^22 uniforms of the kind Box-Muller sees
// ((b + 1/2) 2^-53) and the edge cases. The documented bound is 2 ulp; fdlibm's kernels give
// under 1 in its analysis, which the maxima printed here show. The sincos reference reduces
// 4u exactly (r = 4u - q, an exact difference) and takes sinl/cosl of r pi/2 in long double,
// mapped to the quadrant by the identities sin(q pi/2 + x) etc. (a switch written here): near
// sin = 0 or cos = 0 a long double 2 pi u would carry an absolute error far above an ulp.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <numbers>
#include <vector>

#include "var/box_muller_math.hpp"

namespace qg::kernels::var {
namespace {

//! |x - ref| in ulps of the double nearest ref (an ulp of the smallest normal below it).
double ulps(double x, long double ref) {
  const double r = static_cast<double>(ref);
  const double a = std::fabs(r);
  const double ulp = a == 0 ? std::numeric_limits<double>::denorm_min() : std::nextafter(a, INFINITY) - a;
  return static_cast<double>(std::fabs(static_cast<long double>(x) - ref) / ulp);
}

//! 2^22 uniforms (b + 1/2) 2^-53 from a 64-bit LCG's top 53 bits, then the edge cases: the ends
//! (2^-54 and 1), both sides of sqrt(2)/2 and 1/2 (ln's reduction), the quadrant boundaries
//! 1/8, 3/8, 5/8, 7/8 and the zeros of sin and cos (1/4, 1/2, 3/4) with their neighbours.
std::vector<double> uniforms() {
  std::vector<double> u;
  std::uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < (1 << 22); ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    u.push_back((static_cast<double>(x >> 11) + 0.5) * 0x1.0p-53);
  }
  for (double e : {0x1.0p-54, 1.0, std::numbers::sqrt2 / 2, 0.5, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1.0 / 3,
                   0x1.0p-20, 0x1.0p-40}) {
    u.push_back(e);
    for (int k = 1; k <= 4; ++k) {
      u.push_back(std::nextafter(e, 0.0) - (k - 1) * 0x1.0p-54);
      if (e < 1) u.push_back(std::nextafter(e, 1.0) + (k - 1) * 0x1.0p-54);
    }
  }
  std::erase_if(u, [](double v) { return !(v >= 0x1.0p-54 && v <= 1.0); });  // Box-Muller's range
  return u;
}

TEST(VarBoxMullerMath, LnIsWithinTwoUlpsOfLibmLongDouble) {
  double worst = 0;
  for (double u : uniforms()) {
    const double got = bm::log_unit(u);
    worst = std::max(worst, ulps(got, std::log(static_cast<long double>(u))));
    ASSERT_LE(ulps(got, std::log(static_cast<long double>(u))), 2.0) << u;
  }
  EXPECT_EQ(bm::log_unit(1.0), 0.0);
  std::printf("ln: largest error %.3f ulp\n", worst);
}

//! sin and cos of 2 pi u in long double, from the exact reduction t = 4u = q + r.
void reference_sincos(double u, long double& s, long double& c) {
  const double t = 4.0 * u, q = std::nearbyint(t), r = t - q;
  const long double x = static_cast<long double>(r) * (std::numbers::pi_v<long double> / 2);
  const long double sx = std::sin(x), cx = std::cos(x);
  switch (static_cast<int>(q) % 4) {
    case 0:
      s = sx, c = cx;
      break;
    case 1:
      s = cx, c = -sx;
      break;
    case 2:
      s = -sx, c = -cx;
      break;
    default:
      s = -cx, c = sx;
      break;
  }
}

TEST(VarBoxMullerMath, SinCosAreWithinTwoUlpsOfLibmLongDouble) {
  double worst_s = 0, worst_c = 0;
  for (double u : uniforms()) {
    double s, c;
    long double rs, rc;
    bm::sincos_turns(u, s, c);
    reference_sincos(u, rs, rc);
    worst_s = std::max(worst_s, ulps(s, rs));
    worst_c = std::max(worst_c, ulps(c, rc));
    ASSERT_LE(ulps(s, rs), 2.0) << u;
    ASSERT_LE(ulps(c, rc), 2.0) << u;
    // And against double libm of the rounded angle 2 pi u (quadrants, signs), to that angle's
    // rounding (up to half an ulp of 2 pi, 4.4e-16) plus both functions' own.
    ASSERT_NEAR(s, std::sin(2 * std::numbers::pi * u), 1e-15) << u;
    ASSERT_NEAR(c, std::cos(2 * std::numbers::pi * u), 1e-15) << u;
  }
  std::printf("sin: largest error %.3f ulp, cos: %.3f ulp\n", worst_s, worst_c);
}

#if defined(__AVX2__) && defined(__FMA__)
TEST(VarBoxMullerMath, FourLanesGiveTheScalarBits) {
  const std::vector<double> u = uniforms();
  for (std::size_t i = 0; i + 4 <= u.size(); i += 4) {
    alignas(32) double l[4], s[4], c[4];
    const __m256d v = _mm256_loadu_pd(u.data() + i);
    _mm256_store_pd(l, bm::log_unit4(v));
    __m256d vs, vc;
    bm::sincos_turns4(v, vs, vc);
    _mm256_store_pd(s, vs);
    _mm256_store_pd(c, vc);
    for (std::size_t k = 0; k < 4; ++k) {
      double ss, cc;
      bm::sincos_turns(u[i + k], ss, cc);
      ASSERT_EQ(std::bit_cast<std::uint64_t>(l[k]), std::bit_cast<std::uint64_t>(bm::log_unit(u[i + k]))) << u[i + k];
      ASSERT_EQ(std::bit_cast<std::uint64_t>(s[k]), std::bit_cast<std::uint64_t>(ss)) << u[i + k];
      ASSERT_EQ(std::bit_cast<std::uint64_t>(c[k]), std::bit_cast<std::uint64_t>(cc)) << u[i + k];
    }
  }
}
#endif

}  // namespace
}  // namespace qg::kernels::var
