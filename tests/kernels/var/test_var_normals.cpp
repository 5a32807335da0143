// The vectorised normal generator against Random123 + libm one pair at a time, independence
// from how rows are blocked, and sample moments.
#include <gtest/gtest.h>

#include <cmath>
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
      ASSERT_NEAR(fast[i], ref[i], 1e-12 * std::max(1.0, std::fabs(ref[i]))) << cols << " " << i;
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

}  // namespace
}  // namespace qg::kernels::var
