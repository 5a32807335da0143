// round_trips: a hand-computed path (a long trip, a short trip closed by a flip, a long trip
// still open at the end), and on random paths its closed trips' wins give exactly the
// win_rate of backtest_metrics_ref.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "qg/core/error.hpp"
#include "qg/kernels/backtest.hpp"
#include "qg/kernels/round_trips.hpp"
#include "test_util.hpp"

namespace qg::kernels {
namespace {

TEST(RoundTrips, HandComputedPath) {
  const std::vector<double> r = {0.0, 0.10, -0.05, 0.02, 0.04, -0.10, 0.03};
  const std::vector<std::int8_t> held = {0, 1, 1, 0, -1, 1, 1};
  const double k = 0.001;
  const auto trips = round_trips(r, held, k);
  ASSERT_EQ(trips.size(), 3u);
  // Long over bars 1-2, closed at bar 3: (1 + 0.10 - 0.001) * (1 - 0.05) * (1 - 0.001).
  EXPECT_EQ(trips[0].entry_bar, 1);
  EXPECT_EQ(trips[0].exit_bar, 3);
  EXPECT_EQ(trips[0].side, 1);
  EXPECT_NEAR(trips[0].growth, 1.099 * 0.95 * 0.999, 1e-15);
  EXPECT_NEAR(trips[0].cost, 0.002, 1e-18);
  // Short over bar 4, closed by the flip at bar 5: (1 - 0.04 - 0.001) * (1 - 0.001).
  EXPECT_EQ(trips[1].entry_bar, 4);
  EXPECT_EQ(trips[1].exit_bar, 5);
  EXPECT_EQ(trips[1].side, -1);
  EXPECT_NEAR(trips[1].growth, 0.959 * 0.999, 1e-15);
  EXPECT_NEAR(trips[1].cost, 0.002, 1e-18);
  // Long from the flip at bar 5 to the end, open: (1 - 0.10 - 0.001) * (1 + 0.03), entry cost only.
  EXPECT_EQ(trips[2].entry_bar, 5);
  EXPECT_EQ(trips[2].exit_bar, -1);
  EXPECT_EQ(trips[2].side, 1);
  EXPECT_NEAR(trips[2].growth, 0.899 * 1.03, 1e-15);
  EXPECT_NEAR(trips[2].cost, 0.001, 1e-18);
}

TEST(RoundTrips, FlatPathHasNone) {
  const std::vector<double> r = {0.0, 0.01, -0.02};
  const std::vector<std::int8_t> held = {0, 0, 0};
  EXPECT_TRUE(round_trips(r, held, 0.001).empty());
}

TEST(RoundTrips, LengthMismatchThrows) {
  const std::vector<double> r = {0.0, 0.01};
  const std::vector<std::int8_t> held = {0, 1, 1};
  EXPECT_THROW(round_trips(r, held, 0.0), KernelError);
}

TEST(RoundTrips, ClosedWinsAreTheBacktestWinRate) {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int> side(-1, 1);
  for (int path = 0; path < 50; ++path) {
    const PreparedSeries series = testing::random_walk(static_cast<std::uint32_t>(path + 1), 300);
    const auto n = static_cast<std::size_t>(series.size());
    std::vector<std::int8_t> pos(n);
    for (std::size_t t = 0; t < n; ++t)
      pos[t] = static_cast<std::int8_t>(t % 7 == 0 ? side(rng) : (t ? pos[t - 1] : 0));
    std::vector<std::int8_t> held(n, 0);
    for (std::size_t t = 1; t < n; ++t) held[t] = pos[t - 1];
    const double k = 0.0005;
    const auto trips = round_trips({series.returns(), n}, held, k);
    double closed = 0, won = 0;
    for (const auto& trip : trips) {
      if (trip.exit_bar < 0) continue;
      closed += 1;
      won += trip.growth > 1.0 ? 1 : 0;
    }
    const auto m = backtest_metrics_ref(series, pos, k);
    EXPECT_EQ(closed > 0 ? won / closed : 0.0, m[static_cast<int>(Metric::kWinRate)]) << "path " << path;
  }
}

}  // namespace
}  // namespace qg::kernels
