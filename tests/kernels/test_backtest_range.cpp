// Net returns and backtest metrics over a range of return bars: the fast kernels against their
// plain references on random paths and ranges, the whole history as the range [1, T), and a
// hand-computed 6-bar case.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "qg/core/error.hpp"
#include "qg/kernels/backtest.hpp"
#include "qg/kernels/net_returns.hpp"
#include "qg/kernels/position_rows.hpp"
#include "test_util.hpp"

namespace qg::kernels {
namespace {

using testing::close_only;
using testing::random_paths;

//! Set j's full path out of a time-major block.
std::vector<std::int8_t> path_of(const std::vector<std::int8_t>& pos, std::int64_t n_bars, int n_sets, int j) {
  std::vector<std::int8_t> path;
  for (std::int64_t t = 0; t < n_bars; ++t) path.push_back(pos[static_cast<std::size_t>(t * n_sets + j)]);
  return path;
}

//! Edge ranges of return bars (first bar, last bar, whole history, a 1-bar range at 1) and random ones.
std::vector<BarRange> return_ranges(std::int64_t n, std::uint32_t seed) {
  std::vector<BarRange> out;
  for (const BarRange r :
       {BarRange{1, n}, BarRange{1, 2}, BarRange{n - 1, n}, BarRange{2, 3}, BarRange{n / 2, n}, BarRange{1, n / 2 + 1}})
    if (1 <= r.begin && r.begin < r.end && r.end <= n) out.push_back(r);
  if (n == 2) return out;  // [1, 2) is the only range
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int64_t> bar(1, n);
  while (out.size() < 20) {
    const std::int64_t a = bar(rng), b = bar(rng);
    if (a != b) out.push_back({std::min(a, b), std::max(a, b)});
  }
  return out;
}

//! Only the rows decided_bars_for(r) of the block, as positions_range would give them.
std::vector<std::int8_t> rows_for(const std::vector<std::int8_t>& pos, int n_sets, BarRange r) {
  const BarRange d = decided_bars_for(r);
  return {pos.begin() + d.begin * n_sets, pos.begin() + d.end * n_sets};
}

//! Tolerance of a real metric: ulps of the larger value, scaled for the n-bar sums and products
//! behind it and for the exponent 252/n of the annualisation (cagr, calmar), which multiplies a
//! relative error of the equity by 252/n on short ranges; an absolute floor for values ~0. The
//! fast kernel sums a run as a difference of prefix sums and grows it by a ratio of prefix
//! products (backtest_runs.hpp), whose rounding differs from the reference's bar-by-bar loop.
double tolerance(double a, double b, std::int64_t n) {
  const double bars = static_cast<double>(n), ulps = 256.0 * (bars + 252.0 / bars);
  return ulps * 2.2e-16 * std::max(std::abs(a), std::abs(b)) + 1e-13;
}

void expect_range_metrics_match_ref(const PreparedSeries& s, int n_sets, double cost, std::uint32_t seed) {
  const std::vector<std::int8_t> pos = random_paths(s.size(), n_sets, seed);
  for (const BarRange r : return_ranges(s.size(), seed + 1)) {
    const std::vector<std::int8_t> rows = rows_for(pos, n_sets, r);
    std::vector<double> fast(static_cast<std::size_t>(n_sets * kNumMetrics));
    backtest_metrics_range(s, PositionRows{rows.data(), n_sets, decided_bars_for(r)}, cost, r, fast.data());
    for (int j = 0; j < n_sets; ++j) {
      const auto ref = backtest_metrics_range_ref(s, path_of(pos, s.size(), n_sets, j), cost, r);
      for (int m = 0; m < kNumMetrics; ++m) {
        const double f = fast[static_cast<std::size_t>(j * kNumMetrics + m)];
        EXPECT_NEAR(f, ref[m], tolerance(f, ref[m], r.size()))
            << "range [" << r.begin << ", " << r.end << "), set " << j << " of " << n_sets << ", " << metric_names()[m];
      }
    }
  }
}

TEST(BacktestRange, MetricsMatchRefOnRandomPathsAndRanges) {
  for (int n_sets : {1, 7, 8, 13, 67}) {
    expect_range_metrics_match_ref(testing::random_walk(7, 500), n_sets, 0.0, 300 + n_sets);
    expect_range_metrics_match_ref(testing::synthetic(9, 2, 800), n_sets, 0.0005, 400 + n_sets);
  }
  expect_range_metrics_match_ref(testing::random_walk(8, 2), 5, 0.001, 1);  // T = 2: the only range is [1, 2)
}

TEST(BacktestRange, WholeHistoryIsTheRangeFromBarOne) {
  const PreparedSeries s = testing::synthetic(3, 4, 600);
  const int n_sets = 19;
  const std::vector<std::int8_t> pos = random_paths(s.size(), n_sets, 77);
  std::vector<double> whole(static_cast<std::size_t>(n_sets * kNumMetrics)), range(whole.size());
  backtest_metrics(s, pos.data(), n_sets, 0.0007, whole.data());
  backtest_metrics_range(s, PositionRows{pos.data(), n_sets, {0, s.size()}}, 0.0007, {1, s.size()}, range.data());
  EXPECT_EQ(whole, range);  // bit for bit
  for (int j = 0; j < n_sets; ++j) {
    const std::vector<std::int8_t> path = path_of(pos, s.size(), n_sets, j);
    const auto a = backtest_metrics_ref(s, path, 0.0007);
    const auto b = backtest_metrics_range_ref(s, path, 0.0007, {1, s.size()});
    EXPECT_EQ(a, b);
  }
}

TEST(BacktestRange, NetReturnsMatchRef) {
  const PreparedSeries s = testing::random_walk(12, 400);
  for (int n_sets : {1, 8, 21}) {
    const std::vector<std::int8_t> pos = random_paths(s.size(), n_sets, 500 + n_sets);
    for (const BarRange r : return_ranges(s.size(), 600 + n_sets)) {
      const std::vector<std::int8_t> rows = rows_for(pos, n_sets, r);
      std::vector<double> net(static_cast<std::size_t>(r.size() * n_sets));
      net_returns(s, PositionRows{rows.data(), n_sets, decided_bars_for(r)}, 0.001, r, net.data());
      for (int j = 0; j < n_sets; ++j) {
        const std::vector<double> ref = net_returns_ref(s, path_of(pos, s.size(), n_sets, j), 0.001, r);
        for (std::int64_t t = 0; t < r.size(); ++t)
          EXPECT_NEAR(net[static_cast<std::size_t>(t * n_sets + j)], ref[static_cast<std::size_t>(t)], 1e-15)
              << "bar " << r.begin + t << " set " << j;
      }
    }
  }
}

TEST(BacktestRange, RejectsPositionsThatDoNotCoverTheRange) {
  const PreparedSeries s = testing::random_walk(13, 50);
  const std::vector<std::int8_t> pos(50, 1);
  std::vector<double> out(kNumMetrics * 50);
  const PositionRows late{pos.data(), 1, {10, 50}};  // the range [11, 20) needs bars 9..18
  EXPECT_THROW(backtest_metrics_range(s, late, 0.0, {11, 20}, out.data()), KernelError);
  EXPECT_THROW(net_returns(s, late, 0.0, {11, 20}, out.data()), KernelError);
  EXPECT_NO_THROW(net_returns(s, late, 0.0, {12, 20}, out.data()));
  EXPECT_THROW(backtest_metrics_range(s, late, 0.0, {0, 20}, out.data()), KernelError);   // bar 0 has no return
  EXPECT_THROW(backtest_metrics_range(s, late, 0.0, {20, 20}, out.data()), KernelError);  // empty
}

// Six bars, closes 100, 110, 99, 108.9, 108.9, 98.01 -> r = 0.1, -0.1, 0.1, 0, -0.1 (t = 1..5).
// pos = 1, 0, 1, 0, -1, 0 -> held h = 0, 1, 0, 1, 0, -1. Cost 0.01. Range of return bars [2, 6).
//   net2 = 0 - 0.01*|0 - 1| = -0.01   (the first bar pays for leaving the long held before it)
//   net3 = 0.1 - 0.01 = 0.09   net4 = 0 - 0.01 = -0.01   net5 = 0.1 - 0.01 = 0.09
//   E from 1: 0.99, 1.0791, 1.068309, 1.16445681 -> total return 0.16445681
//   mean 0.04, deviations -+0.05, squares sum 0.01 -> std = sqrt(0.01/3)
//   downside squares 0.0002 -> downside deviation sqrt(0.00005)
//   drawdowns 0.01 (from 1) and 0.01 (from 1.0791) -> max drawdown 0.01
//   trades 4 (every bar changes, bar 2 from the held-before long), turnover 4, exposure 2/4
//   round trips: the long carried in (opened at bar 1) is not counted; the long of bar 3
//   closes at bar 4 with growth 1.09 * 0.99 > 1 (a win); the short of bar 5 is still open.
//   win rate 1/1.
TEST(BacktestRange, HandComputedSixBars) {
  const PreparedSeries s = close_only({100, 110, 99, 108.9, 108.9, 98.01});
  const std::vector<std::int8_t> pos = {1, 0, 1, 0, -1, 0};
  const BarRange r{2, 6};
  const std::vector<double> net = net_returns_ref(s, pos, 0.01, r);
  const std::vector<double> expected_net = {-0.01, 0.09, -0.01, 0.09};
  for (std::size_t i = 0; i < net.size(); ++i) EXPECT_NEAR(net[i], expected_net[i], 1e-14) << i;
  std::vector<double> fast_net(4);
  net_returns(s, PositionRows{pos.data(), 1, {0, 6}}, 0.01, r, fast_net.data());
  EXPECT_NEAR(fast_net[0], -0.01, 1e-14);

  const double sd = std::sqrt(0.01 / 3), total = 1.16445681, cagr = std::pow(total, 252.0 / 4) - 1;
  const std::array<double, kNumMetrics> expected = {total - 1,
                                                    cagr,
                                                    0.04 / sd * std::sqrt(252.0),
                                                    0.04 / std::sqrt(0.00005) * std::sqrt(252.0),
                                                    sd * std::sqrt(252.0),
                                                    0.01,
                                                    cagr / 0.01,
                                                    4,
                                                    4,
                                                    0.5,
                                                    1.0};
  std::array<double, kNumMetrics> fast{};
  backtest_metrics_range(s, PositionRows{pos.data() + 0, 1, {0, 6}}, 0.01, r, fast.data());
  const auto ref = backtest_metrics_range_ref(s, pos, 0.01, r);
  for (int m = 0; m < kNumMetrics; ++m) {
    EXPECT_NEAR(ref[m], expected[m], 1e-9 * std::abs(expected[m]) + 1e-12) << metric_names()[m];
    EXPECT_NEAR(fast[m], expected[m], 1e-9 * std::abs(expected[m]) + 1e-12) << metric_names()[m];
  }
}

}  // namespace
}  // namespace qg::kernels
