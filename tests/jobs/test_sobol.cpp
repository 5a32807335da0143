// The Sobol generator against published points and the net property of its projections.
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

#include "search/sobol.hpp"

namespace qg::jobs {
namespace {

TEST(Sobol, FirstPointsOfDimensionsOneToThree) {
  // Points 1..7 in Gray-code order, as listed for the unscrambled sequence by Bratley & Fox
  // (dims 1-2) and worked by hand for dim 3 from Joe & Kuo's row d=3 (s=2, a=1, m=1,3):
  // V = 1/2, 3/4, 3/8, ...; x_i = x_{i-1} xor V_c, c the lowest zero bit of i-1.
  const double expected[7][3] = {{0.5, 0.5, 0.5},       {0.75, 0.25, 0.25},    {0.25, 0.75, 0.75},
                                 {0.375, 0.375, 0.625}, {0.875, 0.875, 0.125}, {0.625, 0.125, 0.875},
                                 {0.125, 0.625, 0.375}};
  SobolSequence sobol(3);
  std::vector<double> x(3);
  for (const auto& point : expected) {
    sobol.next(x);
    EXPECT_EQ(x[0], point[0]);
    EXPECT_EQ(x[1], point[1]);
    EXPECT_EQ(x[2], point[2]);
  }
  EXPECT_EQ(sobol.index(), 8u);
}

TEST(Sobol, EveryDimensionIsAOneDimensionalNet) {
  // Points 0..2^k-1 of any Sobol coordinate hit each interval [j/2^k, (j+1)/2^k) exactly once.
  constexpr unsigned kDims = SobolSequence::kMaxDims;
  constexpr int kPoints = 1 << 10;
  SobolSequence sobol(kDims);
  std::vector<std::set<long>> cells(kDims, std::set<long>{0});  // point 0 is the origin
  std::vector<double> x(kDims);
  for (int i = 1; i < kPoints; ++i) {
    sobol.next(x);
    for (unsigned d = 0; d < kDims; ++d) cells[d].insert(static_cast<long>(x[d] * kPoints));
  }
  for (unsigned d = 0; d < kDims; ++d) EXPECT_EQ(cells[d].size(), static_cast<std::size_t>(kPoints)) << "dim " << d + 1;
}

TEST(Sobol, FirstTwoDimensionsFormATwoDimensionalNet) {
  // Dims 1 and 2 form a (0, m, 2)-net: 2^m points, one in each of the 2^a x 2^(m-a) boxes.
  constexpr int m = 8;
  std::vector<double> x(2);
  for (int a = 0; a <= m; ++a) {
    SobolSequence s(2);
    std::set<std::pair<long, long>> boxes{{0, 0}};
    for (int i = 1; i < (1 << m); ++i) {
      s.next(x);
      boxes.insert({static_cast<long>(x[0] * (1 << a)), static_cast<long>(x[1] * (1 << (m - a)))});
    }
    EXPECT_EQ(boxes.size(), static_cast<std::size_t>(1 << m)) << "a = " << a;
  }
}

TEST(Sobol, RejectsUnsupportedDimensions) {
  EXPECT_THROW(SobolSequence(0), std::invalid_argument);
  EXPECT_THROW(SobolSequence(SobolSequence::kMaxDims + 1), std::invalid_argument);
}

}  // namespace
}  // namespace qg::jobs
