// The Sobol generator (Boost.Random) against published points, SciPy's Joe-Kuo sequence, and the
// net property of its projections.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <vector>

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

//! Points `first`..`last` of a `dims`-dimensional sequence, coordinates scaled by 2^32.
std::vector<std::vector<std::uint64_t>> scaled_points(unsigned dims, int last) {
  SobolSequence sobol(dims);
  std::vector<double> x(dims);
  std::vector<std::vector<std::uint64_t>> out;
  for (int i = 1; i <= last; ++i) {
    sobol.next(x);
    std::vector<std::uint64_t> scaled;
    for (double v : x) scaled.push_back(static_cast<std::uint64_t>(std::ldexp(v, 32)));
    out.push_back(scaled);
  }
  return out;
}

// Expected values: SciPy 1.10.1, scipy.stats.qmc.Sobol(d, scramble=False, bits=32).random(n),
// coordinates times 2^32; SciPy ships Joe & Kuo's new-joe-kuo-6.21201 direction numbers and draws
// in the same Gray-code order. Points 1..8, 1000 and 1024 reach direction numbers 1..11.
TEST(Sobol, MatchesScipysJoeKuoSequenceInTwelveDimensions) {
  const std::map<int, std::vector<std::uint64_t>> expected = {
      {8,
       {805306368, 1342177280, 4026531840, 1879048192, 2415919104, 1342177280, 1879048192, 4026531840, 4026531840,
        1342177280, 2952790016, 268435456}},
      {1000,
       {943718400, 415236096, 2227175424, 2906652672, 1203765248, 3896508416, 197132288, 3862953984, 2151677952,
        297795584, 364904448, 1094713344}},
      {1024,
       {6291456, 1616904192, 1923088384, 2090860544, 2392850432, 3625975808, 1038090240, 2522873856, 2992635904,
        2883584000, 3529506816, 3957325824}},
  };
  const auto points = scaled_points(12, 1024);
  for (const auto& [index, coords] : expected) EXPECT_EQ(points[static_cast<std::size_t>(index - 1)], coords) << index;
}

TEST(Sobol, MatchesScipyBeyondTwelveDimensions) {
  // Dimensions 13, 100 and 1000 (1-based) of points 1..8 (SciPy as above, d = 1000).
  const std::vector<std::vector<std::uint64_t>> expected = {
      {2147483648, 2147483648, 2147483648}, {1073741824, 3221225472, 3221225472}, {3221225472, 1073741824, 1073741824},
      {1610612736, 3758096384, 536870912},  {3758096384, 1610612736, 2684354560}, {536870912, 536870912, 3758096384},
      {2684354560, 2684354560, 1610612736}, {4026531840, 4026531840, 4026531840}};
  const auto points = scaled_points(1000, 8);
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_EQ((std::vector<std::uint64_t>{points[i][12], points[i][99], points[i][999]}), expected[i]) << i + 1;
}

TEST(Sobol, EveryDimensionIsAOneDimensionalNet) {
  // Points 0..2^k-1 of any Sobol coordinate hit each interval [j/2^k, (j+1)/2^k) exactly once.
  constexpr unsigned kDims = 100;  // far past the 12 of the former table, short of all 3667
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
