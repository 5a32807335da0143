// Strategy::positions_range: for every strategy, random parameter blocks and random ranges, the
// range's rows equal the rows of the full-history call bit for bit, and equal the plain
// reference (positions_ref sliced to the range).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "qg/core/error.hpp"
#include "qg/kernels/bar_range.hpp"
#include "qg/kernels/strategy.hpp"
#include "test_util.hpp"

namespace qg::kernels {
namespace {

//! Fixed edge ranges (whole history, first bars, last bar, empty, inside warm-up) and random ones.
std::vector<BarRange> ranges_of(std::int64_t n, std::uint32_t seed) {
  std::vector<BarRange> out = {
      {0, n}, {0, 1}, {1, 2}, {n - 1, n}, {0, 0}, {n / 2, n / 2}, {2, 5}, {n / 2, n / 2 + 1}, {1, n}, {n / 3, n}};
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int64_t> bar(0, n);
  for (int i = 0; i < 12; ++i) {
    std::int64_t a = bar(rng), b = bar(rng);
    out.push_back({std::min(a, b), std::max(a, b)});
  }
  return out;
}

//! Every range's rows against the full-history call (exactly) and the reference.
void expect_range_rows(const Strategy& s, const PreparedSeries& series, const std::vector<double>& sets,
                       PositionMode mode, std::uint32_t seed) {
  const int n_params = static_cast<int>(s.params().size());
  const int n_sets = static_cast<int>(sets.size()) / n_params;
  const std::int64_t n = series.size();
  std::vector<std::int8_t> full(static_cast<std::size_t>(n * n_sets));
  s.positions(series, sets.data(), n_sets, mode, full.data());
  for (const BarRange r : ranges_of(n, seed)) {
    std::vector<std::int8_t> part(static_cast<std::size_t>(r.size() * n_sets) + 1, 7);  // +1: no write past the rows
    s.positions_range(series, sets.data(), n_sets, mode, r, part.data());
    EXPECT_EQ(part.back(), 7) << s.kind() << " wrote past the range";
    const std::vector<std::int8_t> expected(full.begin() + r.begin * n_sets, full.begin() + r.end * n_sets);
    ASSERT_EQ(std::vector<std::int8_t>(part.begin(), part.end() - 1), expected)
        << s.kind() << " range [" << r.begin << ", " << r.end << ") of " << n << ", " << n_sets << " sets";
    for (int j = 0; j < n_sets; j += 5) {
      const std::span<const double> set(sets.data() + j * n_params, static_cast<std::size_t>(n_params));
      const std::vector<std::int8_t> ref = s.positions_range_ref(series, set, mode, r);
      for (std::int64_t t = 0; t < r.size(); ++t)
        ASSERT_EQ(part[static_cast<std::size_t>(t * n_sets + j)], ref[static_cast<std::size_t>(t)])
            << s.kind() << " set " << j << " bar " << r.begin + t;
    }
  }
}

class PositionsRange : public ::testing::TestWithParam<std::string_view> {
 protected:
  const Strategy& strategy() const { return *find_strategy(GetParam()); }
};

TEST_P(PositionsRange, RowsOfTheFullCallOnRandomBlocksAndRanges) {
  const Strategy& s = strategy();
  for (PositionMode mode : {PositionMode::kLongFlat, PositionMode::kLongShort}) {
    expect_range_rows(s, testing::random_walk(21, 700), testing::random_sets(s, 37, 120, 31), mode, 41);
    expect_range_rows(s, testing::tick_walk(22, 500), testing::random_sets(s, 16, 60, 32), mode, 42);
    expect_range_rows(s, testing::synthetic(23, 1, 900), testing::random_sets(s, 9, 300, 33), mode, 43);
    expect_range_rows(s, testing::tick_walk(24, 40), testing::random_sets(s, 11, 50, 34), mode,
                      44);  // windows beyond the series
  }
}

TEST_P(PositionsRange, RejectsARangeOutsideTheSeries) {
  const PreparedSeries series = testing::random_walk(5, 50);
  const std::vector<double> sets = testing::random_sets(strategy(), 1, 10, 6);
  std::vector<std::int8_t> pos(64);
  for (const BarRange r : {BarRange{-1, 3}, BarRange{10, 51}, BarRange{20, 10}})
    EXPECT_THROW(strategy().positions_range(series, sets.data(), 1, PositionMode::kLongShort, r, pos.data()),
                 KernelError);
}

INSTANTIATE_TEST_SUITE_P(Strategies, PositionsRange,
                         ::testing::Values("sma_crossover", "ema_crossover", "bollinger", "rsi", "donchian",
                                           "momentum"),
                         [](const auto& info) { return std::string(info.param); });

// Grid-ordered sma_crossover sets (fast outer, slow inner, fast < slow, as a sweep lists them):
// lane groups sharing one fast window, taking consecutive slow windows, and mixed groups where
// the fast window changes, over ranges that start at, before and after the bar where every
// set's signal is defined (its longest slow window - 1 = 59), so the rows past it take the path
// specialised per group. 61 sets: the last group is partial. The expected rows are the plain
// reference's (positions_range_ref: direct means and comparisons per bar).
TEST(PositionsRangeGrid, SmaCrossoverGridRowsPastTheWarmUpEqualTheReference) {
  const Strategy& s = *find_strategy("sma_crossover");
  std::vector<double> sets;
  for (int fast = 2; fast <= 8; fast += 3)
    for (int slow = 40; slow <= 60 && sets.size() < 2 * 61; ++slow)
      sets.insert(sets.end(), {double(fast), double(slow)});
  const int n_sets = static_cast<int>(sets.size() / 2);
  ASSERT_EQ(n_sets, 61);
  const PreparedSeries series = testing::tick_walk(61, 900);
  for (PositionMode mode : {PositionMode::kLongFlat, PositionMode::kLongShort})
    for (const BarRange r : {BarRange{59, 900}, BarRange{30, 700}, BarRange{60, 61}, BarRange{400, 900},
                             BarRange{0, 900}, BarRange{58, 60}}) {
      std::vector<std::int8_t> part(static_cast<std::size_t>(r.size() * n_sets) + 1, 7);
      s.positions_range(series, sets.data(), n_sets, mode, r, part.data());
      EXPECT_EQ(part.back(), 7) << "wrote past the range";
      for (int j = 0; j < n_sets; ++j) {
        const std::vector<std::int8_t> ref = s.positions_range_ref(series, {sets.data() + 2 * j, 2}, mode, r);
        for (std::int64_t t = 0; t < r.size(); ++t)
          ASSERT_EQ(part[static_cast<std::size_t>(t * n_sets + j)], ref[static_cast<std::size_t>(t)])
              << "set " << j << " bar " << r.begin + t << " range [" << r.begin << ", " << r.end << ")";
      }
    }
}

// The same sets' rows by the two paths of sma_crossover: alone, every bar past their warm-up
// takes the loop specialised per group; next to one more set whose slow window is almost the
// whole series, the block's warm-up lasts to bar 2,998 and the same bars take the general path.
// Tick prices (cent steps) make equal and nearly equal averages common, where the tolerant
// comparisons decide. The rows must agree exactly.
TEST(PositionsRangeGrid, SmaCrossoverRowsDoNotDependOnThePath) {
  const Strategy& s = *find_strategy("sma_crossover");
  std::vector<double> sets;
  for (int fast = 2; fast <= 20; fast += 2)
    for (int slow = fast + 1; slow <= fast + 24; ++slow) sets.insert(sets.end(), {double(fast), double(slow)});
  const int n_sets = static_cast<int>(sets.size() / 2);
  std::vector<double> with_long = sets;
  with_long.insert(with_long.end(), {5.0, 2999.0});
  const PreparedSeries series = testing::tick_walk(71, 3000);
  const BarRange r{50, 3000};
  for (PositionMode mode : {PositionMode::kLongFlat, PositionMode::kLongShort}) {
    std::vector<std::int8_t> alone(static_cast<std::size_t>(r.size() * n_sets));
    std::vector<std::int8_t> next_to(static_cast<std::size_t>(r.size() * (n_sets + 1)));
    s.positions_range(series, sets.data(), n_sets, mode, r, alone.data());
    s.positions_range(series, with_long.data(), n_sets + 1, mode, r, next_to.data());
    for (std::int64_t t = 0; t < r.size(); ++t)
      for (int j = 0; j < n_sets; ++j)
        ASSERT_EQ(alone[static_cast<std::size_t>(t * n_sets + j)],
                  next_to[static_cast<std::size_t>(t * (n_sets + 1) + j)])
            << "set " << j << " bar " << r.begin + t;
  }
}

// A wide Bollinger band (k = 10) is almost never entered, and in long_short a flat position is
// forced only when the close equals the mean: the search for a forcing bar before a late range
// rarely finds one and doubles its look-back, up to bar 0.
TEST(PositionsRangeLookBack, ReachesBarZeroWhenNoBarForcesThePosition) {
  const Strategy& s = *find_strategy("bollinger");
  const std::vector<double> sets = {20, 10.0, 5, 0.1, 7, 10.0};
  expect_range_rows(s, testing::random_walk(9, 3000), sets, PositionMode::kLongShort, 51);
}

}  // namespace
}  // namespace qg::kernels
