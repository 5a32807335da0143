// block_sums: the fast kernel against the plain reference, a hand-computed case, and the
// walk-forward use: block sums of a range's net returns give the range's mean and Sharpe.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "qg/core/error.hpp"
#include "qg/kernels/backtest.hpp"
#include "qg/kernels/block_sums.hpp"
#include "qg/kernels/net_returns.hpp"
#include "qg/kernels/strategy.hpp"
#include "test_util.hpp"

namespace qg::kernels {
namespace {

TEST(BlockSums, BlockCount) {
  EXPECT_EQ(block_count(10, 3), 4);
  EXPECT_EQ(block_count(9, 3), 3);
  EXPECT_EQ(block_count(0, 3), 0);
  EXPECT_EQ(block_count(1, 100), 1);
  EXPECT_THROW(block_count(10, 0), KernelError);
}

// Two sets, five rows (time-major): set 0 = 1, 2, 3, 4, 5; set 1 = -1, 0, 2, -2, 0.5. Blocks of 2:
// rows {0,1}, {2,3}, {4}. Set 0: sums 3, 7, 5; squares 5, 25, 25. Set 1: sums -1, 0, 0.5;
// squares 1, 8, 0.25.
TEST(BlockSums, HandComputed) {
  const std::vector<double> v = {1, -1, 2, 0, 3, 2, 4, -2, 5, 0.5};
  std::vector<double> sum(6), sq(6), sum_ref(6), sq_ref(6);
  block_sums(v.data(), 5, 2, 2, sum.data(), sq.data());
  block_sums_ref(v.data(), 5, 2, 2, sum_ref.data(), sq_ref.data());
  EXPECT_EQ(sum, (std::vector<double>{3, 7, 5, -1, 0, 0.5}));
  EXPECT_EQ(sq, (std::vector<double>{5, 25, 25, 1, 8, 0.25}));
  EXPECT_EQ(sum_ref, sum);
  EXPECT_EQ(sq_ref, sq);
}

TEST(BlockSums, FastMatchesRef) {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> z(0.0, 0.01);
  for (int n_sets : {1, 7, 8, 33}) {
    for (std::int64_t n_rows : {1, 5, 63, 250}) {
      std::vector<double> v(static_cast<std::size_t>(n_rows * n_sets));
      for (double& x : v) x = z(rng);
      for (std::int64_t block : {1, 4, 21, 63, 1000}) {
        const auto cells = static_cast<std::size_t>(block_count(n_rows, block) * n_sets);
        std::vector<double> sum(cells), sq(cells), sum_ref(cells), sq_ref(cells);
        block_sums(v.data(), n_rows, n_sets, block, sum.data(), sq.data());
        block_sums_ref(v.data(), n_rows, n_sets, block, sum_ref.data(), sq_ref.data());
        for (std::size_t i = 0; i < cells; ++i) {
          EXPECT_NEAR(sum[i], sum_ref[i], 1e-15 * static_cast<double>(block)) << i;
          EXPECT_NEAR(sq[i], sq_ref[i], 1e-18 * static_cast<double>(block)) << i;
        }
      }
    }
  }
}

// The pipeline walk-forward runs: positions over the bars a range needs, net returns over the
// range, block sums; the range's mean, volatility and Sharpe then follow from the sums and agree
// with backtest_metrics_range on the same range.
TEST(BlockSums, GiveTheRangeMetricsOfNetReturns) {
  const PreparedSeries s = testing::synthetic(11, 3, 1200);
  const Strategy& sma = *find_strategy("sma_crossover");
  const std::vector<double> sets = testing::random_sets(sma, 13, 80, 7);
  const int n_sets = 13;
  const BarRange returns{400, 1000};
  const BarRange decided = decided_bars_for(returns);
  std::vector<std::int8_t> pos(static_cast<std::size_t>(decided.size() * n_sets));
  sma.positions_range(s, sets.data(), n_sets, PositionMode::kLongShort, decided, pos.data());
  const PositionRows rows{pos.data(), n_sets, decided};
  std::vector<double> net(static_cast<std::size_t>(returns.size() * n_sets));
  net_returns(s, rows, 0.0005, returns, net.data());
  const std::int64_t n_blocks = block_count(returns.size(), 63);
  std::vector<double> sum(static_cast<std::size_t>(n_blocks * n_sets)), sq(sum.size());
  block_sums(net.data(), returns.size(), n_sets, 63, sum.data(), sq.data());
  std::vector<double> metrics(static_cast<std::size_t>(n_sets * kNumMetrics));
  backtest_metrics_range(s, rows, 0.0005, returns, metrics.data());
  const double n = static_cast<double>(returns.size());
  for (int j = 0; j < n_sets; ++j) {
    const double total = std::accumulate(sum.begin() + j * n_blocks, sum.begin() + (j + 1) * n_blocks, 0.0);
    const double total_sq = std::accumulate(sq.begin() + j * n_blocks, sq.begin() + (j + 1) * n_blocks, 0.0);
    const double mean = total / n, var = (total_sq - n * mean * mean) / (n - 1);
    const double vol = std::sqrt(std::max(var, 0.0) * 252.0);
    EXPECT_NEAR(vol, metrics[static_cast<std::size_t>(j * kNumMetrics + static_cast<int>(Metric::kVolatility))], 1e-9);
    if (vol > 0.0) {
      EXPECT_NEAR(mean * 252.0 / vol,
                  metrics[static_cast<std::size_t>(j * kNumMetrics + static_cast<int>(Metric::kSharpe))], 1e-7);
    }
  }
}

}  // namespace
}  // namespace qg::kernels
