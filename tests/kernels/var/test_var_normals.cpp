// The vectorised normal generator against its plain twin (Random123 + the scalar ln and sincos,
// one pair at a time: the same bits), independence from how rows are blocked, and the
// distribution: moments, a Kolmogorov-Smirnov test against Phi, tail frequencies at 3 and 4
// sigma, and the independence of the two normals of a pair and of neighbouring columns.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include "qg/kernels/var/normals.hpp"

namespace qg::kernels::var {
namespace {

TEST(VarNormals, MatchesTheReferenceForOddAndEvenWidths) {
  NormalScratch scratch;
  for (std::size_t cols : {1u, 2u, 5u, 64u, 501u}) {
    const std::size_t rows = 37;
    std::vector<double> fast(rows * cols), ref(rows * cols);
    const StreamKey key{11, 3, kShockStream};
    fill_normals(key, 100, rows, cols, fast.data(), scratch);
    fill_normals_ref(key, 100, rows, cols, ref.data());
    for (std::size_t i = 0; i < fast.size(); ++i)
      ASSERT_EQ(std::bit_cast<std::uint64_t>(fast[i]), std::bit_cast<std::uint64_t>(ref[i])) << cols << " " << i;
  }
}

TEST(VarNormals, ARowDependsOnlyOnItsCounter) {
  NormalScratch scratch;
  const StreamKey key{7, (std::uint64_t{1} << 33) + 5, kChi2Stream};
  std::vector<double> all(300 * 9), part(120 * 9);
  fill_normals(key, 0, 300, 9, all.data(), scratch);
  fill_normals(key, 80, 120, 9, part.data(), scratch);
  for (std::size_t i = 0; i < part.size(); ++i) ASSERT_EQ(part[i], all[80 * 9 + i]);
  // Another batch, stream or seed gives other numbers.
  std::vector<double> other(300 * 9);
  fill_normals({7, 6, kChi2Stream}, 0, 300, 9, other.data(), scratch);
  EXPECT_NE(other[0], all[0]);
}

TEST(VarNormals, SampleMomentsAreStandard) {
  NormalScratch scratch;
  const std::size_t n = 1 << 20;
  std::vector<double> z(n);
  fill_normals({1, 0, 0}, 0, n / 4, 4, z.data(), scratch);
  double m = 0, v = 0, k = 0;
  for (double x : z) m += x;
  m /= n;
  for (double x : z) v += (x - m) * (x - m), k += std::pow(x - m, 4);
  v /= n;
  k /= n * v * v;
  EXPECT_NEAR(m, 0.0, 5.0 / std::sqrt(double(n)));
  EXPECT_NEAR(v, 1.0, 5.0 * std::sqrt(2.0 / n));
  EXPECT_NEAR(k, 3.0, 5.0 * std::sqrt(24.0 / n));
}

//! 2^22 normals in rows of 500 (the target book's width: the direct-store passes) of one batch.
std::vector<double> wide_normals() {
  NormalScratch scratch;
  const std::size_t cols = 500, rows = (std::size_t{1} << 22) / cols;
  std::vector<double> z(rows * cols);
  fill_normals({20261201, 3, kShockStream}, 0, rows, cols, z.data(), scratch);
  return z;
}

double phi(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

TEST(VarNormals, KolmogorovSmirnovAgainstPhi) {
  std::vector<double> z = wide_normals();
  std::sort(z.begin(), z.end());
  const double n = static_cast<double>(z.size());
  double d = 0;
  for (std::size_t i = 0; i < z.size(); ++i) {
    const double f = phi(z[i]);
    d = std::max({d, static_cast<double>(i + 1) / n - f, f - static_cast<double>(i) / n});
  }
  // sqrt(n) D above 1.95 has probability 0.001 under the hypothesis (Kolmogorov's distribution).
  EXPECT_LT(std::sqrt(n) * d, 1.95) << "D = " << d;
}

TEST(VarNormals, TailFrequenciesAtThreeAndFourSigma) {
  const std::vector<double> z = wide_normals();
  const double n = static_cast<double>(z.size());
  for (double k : {3.0, 4.0}) {
    const double p = phi(-k);  // each tail: 1.3499e-3 at 3 sigma, 3.1671e-5 at 4
    const auto below = static_cast<double>(std::count_if(z.begin(), z.end(), [k](double x) { return x < -k; }));
    const auto above = static_cast<double>(std::count_if(z.begin(), z.end(), [k](double x) { return x > k; }));
    const double sd = std::sqrt(n * p * (1 - p));  // binomial; 5 sd bands
    EXPECT_NEAR(below, n * p, 5 * sd) << k;
    EXPECT_NEAR(above, n * p, 5 * sd) << k;
  }
}

//! Sample correlation of x[i] and y[i] over i.
double correlation(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) mx += x[i], my += y[i];
  mx /= n, my /= n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i)
    sxy += (x[i] - mx) * (y[i] - my), sxx += (x[i] - mx) * (x[i] - mx), syy += (y[i] - my) * (y[i] - my);
  return sxy / std::sqrt(sxx * syy);
}

TEST(VarNormals, PairsAndNeighboursAreIndependent) {
  // Under independence a sample correlation of n pairs has standard deviation about 1/sqrt(n):
  // 5 of them is the bound. Squares too: a pair's two normals share the radius, and only
  // independent normals make z_cos^2 and z_sin^2 uncorrelated.
  const std::vector<double> z = wide_normals();
  const std::size_t cols = 500;
  std::vector<double> c, s, c2, s2, next, below;
  for (std::size_t i = 0; i + 1 < z.size(); i += 2) {
    c.push_back(z[i]), s.push_back(z[i + 1]);
    c2.push_back(z[i] * z[i]), s2.push_back(z[i + 1] * z[i + 1]);
  }
  const double bound = 5 / std::sqrt(static_cast<double>(c.size()));
  EXPECT_LT(std::fabs(correlation(c, s)), bound);
  EXPECT_LT(std::fabs(correlation(c2, s2)), bound);
  // Column 2j + 1 against 2j + 2 (neighbouring pairs) and each column against the next row's.
  c.clear(), s.clear();
  for (std::size_t i = 1; i + cols < z.size(); i += 2)
    if ((i + 1) % cols != 0)
      c.push_back(z[i]), s.push_back(z[i + 1]), next.push_back(z[i]), below.push_back(z[i + cols]);
  EXPECT_LT(std::fabs(correlation(c, s)), 5 / std::sqrt(static_cast<double>(c.size())));
  EXPECT_LT(std::fabs(correlation(next, below)), 5 / std::sqrt(static_cast<double>(next.size())));
}

}  // namespace
}  // namespace qg::kernels::var
