// Sweep throughput of the kernels on one synthetic symbol of 2520 bars (10 years).
#include <benchmark/benchmark.h>

#include <x86intrin.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

#include "qg/kernels/backtest.hpp"
#include "qg/kernels/block_sums.hpp"
#include "qg/kernels/net_returns.hpp"
#include "qg/kernels/overfitting.hpp"
#include "qg/kernels/series.hpp"
#include "qg/kernels/strategy.hpp"
#include "qg/kernels/synthetic.hpp"

namespace {

using namespace qg::kernels;

constexpr std::int64_t kBars = 2520;
constexpr double kCost = 0.0005;

const PreparedSeries& series() {
  static const SyntheticBars bars = generate_bars(2024, 0, kBars);
  static const PreparedSeries prepared(BarsView{bars.high, bars.low, bars.close});
  return prepared;
}

//! The first n sets of a 16 x 16 grid typical for the strategy (set j uses the j%16-th value of
//! the first axis and the j/16-th of the second), set-major.
std::vector<double> grid_sets(std::string_view kind, int n) {
  std::vector<double> sets;
  for (int j = 0; j < n; ++j) {
    const int a = j % 16, b = j / 16;
    if (kind == "sma_crossover" || kind == "ema_crossover")
      sets.insert(sets.end(), {5.0 + 3 * a, 20.0 + 12 * b});
    else if (kind == "bollinger")
      sets.insert(sets.end(), {10.0 + 5 * a, 0.5 + 0.2 * b});
    else if (kind == "rsi")
      sets.insert(sets.end(), {5.0 + 2 * a, 20.0 + 5 * (b % 4), 65.0 + 5 * (b / 4)});
    else if (kind == "donchian")
      sets.insert(sets.end(), {10.0 + 5 * a, 5.0 + 5 * b});
    else
      sets.push_back(5.0 + j);  // momentum: lookback 5..
  }
  return sets;
}

void report(benchmark::State& state, int n_sets) { state.SetItemsProcessed(state.iterations() * kBars * n_sets); }

//! A block of 128 consecutive sets of a sweep grid in its lexicographic order (first parameter
//! slowest), as the sweep job hands them out: fast 20 x slow 30..157 for the crossovers, entry
//! 120 x exit 5..100 for donchian, window 20..23 x k 0.5..2.98 step 0.08 for bollinger,
//! period 14..15 x lower 10..45 x upper 55..90 (steps of 5) for rsi, lookbacks 100..227.
std::vector<double> lexicographic_sets(std::string_view kind) {
  std::vector<double> sets;
  for (int j = 0; j < 128; ++j) {
    if (kind == "sma_crossover" || kind == "ema_crossover")
      sets.insert(sets.end(), {20.0, 30.0 + j});
    else if (kind == "donchian")
      sets.insert(sets.end(), {120.0, 5.0 + j % 96});
    else if (kind == "bollinger")
      sets.insert(sets.end(), {20.0 + j / 32, 0.5 + 0.08 * (j % 32)});
    else if (kind == "rsi")
      sets.insert(sets.end(), {14.0 + j / 64, 10.0 + 5 * (j / 8 % 8), 55.0 + 5 * (j % 8)});
    else
      sets.push_back(100.0 + j);
  }
  return sets;
}

//! Runs evaluate_block on `sets` in `mode` and reports bar-evaluations per second and TSC cycles per
//! bar-evaluation (the time-stamp counter ticks at the nominal clock; the VM has no core-cycle
//! counter, see docs/performance.md).
void run_evaluate(benchmark::State& state, std::string_view kind, const std::vector<double>& sets, PositionMode mode) {
  const Strategy& strategy = *find_strategy(kind);
  const int n_sets = static_cast<int>(sets.size() / strategy.params().size());
  std::vector<double> metrics(static_cast<std::size_t>(n_sets * kNumMetrics));
  std::vector<std::int8_t> scratch;
  const std::uint64_t tsc0 = __rdtsc();
  for (auto _ : state) {
    evaluate_block(strategy, series(), sets.data(), n_sets, mode, kCost, metrics.data(), scratch);
    benchmark::DoNotOptimize(metrics.data());
  }
  const double evals = static_cast<double>(state.iterations()) * kBars * n_sets;
  state.counters["tsc_per_bar_eval"] = static_cast<double>(__rdtsc() - tsc0) / evals;
  report(state, n_sets);
}

// ---- evaluate_block: the sweep path (positions fused into the backtest) ----
void BM_EvaluateBlock(benchmark::State& state, std::string_view kind) {
  run_evaluate(state, kind, grid_sets(kind, static_cast<int>(state.range(0))), PositionMode::kLongShort);
}

// ---- evaluate_block on a block of a real sweep grid ----
void BM_EvaluateGridBlock(benchmark::State& state, std::string_view kind) {
  run_evaluate(state, kind, lexicographic_sets(kind), PositionMode::kLongFlat);
}

// ---- the same grid block unfused: positions() into int8 rows, then backtest_metrics() ----
void BM_UnfusedGridBlock(benchmark::State& state, std::string_view kind) {
  const Strategy& strategy = *find_strategy(kind);
  const std::vector<double> sets = lexicographic_sets(kind);
  const int n_sets = static_cast<int>(sets.size() / strategy.params().size());
  std::vector<double> metrics(static_cast<std::size_t>(n_sets * kNumMetrics));
  std::vector<std::int8_t> pos(static_cast<std::size_t>(kBars * n_sets));
  for (auto _ : state) {
    strategy.positions(series(), sets.data(), n_sets, PositionMode::kLongFlat, pos.data());
    backtest_metrics(series(), pos.data(), n_sets, kCost, metrics.data());
    benchmark::DoNotOptimize(metrics.data());
  }
  report(state, n_sets);
}

// ---- positions alone ----
void BM_Positions(benchmark::State& state, std::string_view kind) {
  const int n_sets = static_cast<int>(state.range(0));
  const Strategy& strategy = *find_strategy(kind);
  const std::vector<double> sets = grid_sets(kind, n_sets);
  std::vector<std::int8_t> pos(static_cast<std::size_t>(kBars * n_sets));
  for (auto _ : state) {
    strategy.positions(series(), sets.data(), n_sets, PositionMode::kLongShort, pos.data());
    benchmark::DoNotOptimize(pos.data());
  }
  report(state, n_sets);
}

// ---- backtest_metrics alone, on sma_crossover paths ----
void BM_BacktestMetrics(benchmark::State& state) {
  const int n_sets = static_cast<int>(state.range(0));
  const std::vector<double> sets = grid_sets("sma_crossover", n_sets);
  std::vector<std::int8_t> pos(static_cast<std::size_t>(kBars * n_sets));
  find_strategy("sma_crossover")->positions(series(), sets.data(), n_sets, PositionMode::kLongShort, pos.data());
  std::vector<double> metrics(static_cast<std::size_t>(n_sets * kNumMetrics));
  for (auto _ : state) {
    backtest_metrics(series(), pos.data(), n_sets, kCost, metrics.data());
    benchmark::DoNotOptimize(metrics.data());
  }
  report(state, n_sets);
}

// ---- the plain reference, for scale ----
void BM_BacktestMetricsRef(benchmark::State& state) {
  std::vector<std::int8_t> pos(static_cast<std::size_t>(kBars));
  const std::vector<double> set = {10, 50};
  find_strategy("sma_crossover")->positions(series(), set.data(), 1, PositionMode::kLongShort, pos.data());
  for (auto _ : state) benchmark::DoNotOptimize(backtest_metrics_ref(series(), pos, kCost));
  report(state, 1);
}

// ---- the walk-forward range path: positions, net returns and block sums ----
// 5,550 bars (22 years), 128 combinations, blocks of 63 bars; range(0) is the number of return
// bars evaluated, ending at the last bar (5549: the whole history; 1: the newest bar only).
constexpr std::int64_t kRangeBars = 5550;
constexpr std::int64_t kBlockBars = 63;

const PreparedSeries& long_series() {
  static const SyntheticBars bars = generate_bars(2024, 1, kRangeBars);
  static const PreparedSeries prepared(BarsView{bars.high, bars.low, bars.close});
  return prepared;
}

void BM_RangePath(benchmark::State& state, std::string_view kind) {
  constexpr int kSets = 128;
  const Strategy& strategy = *find_strategy(kind);
  const std::vector<double> sets = grid_sets(kind, kSets);
  const BarRange returns{kRangeBars - state.range(0), kRangeBars};
  const BarRange decided = decided_bars_for(returns);
  const std::int64_t n_blocks = block_count(returns.size(), kBlockBars);
  std::vector<std::int8_t> pos(static_cast<std::size_t>(decided.size() * kSets));
  std::vector<double> net(static_cast<std::size_t>(returns.size() * kSets));
  std::vector<double> sum(static_cast<std::size_t>(n_blocks * kSets)), sumsq(sum.size());
  for (auto _ : state) {
    strategy.positions_range(long_series(), sets.data(), kSets, PositionMode::kLongShort, decided, pos.data());
    net_returns(long_series(), PositionRows{pos.data(), kSets, decided}, kCost, returns, net.data());
    block_sums(net.data(), returns.size(), kSets, kBlockBars, sum.data(), sumsq.data());
    benchmark::DoNotOptimize(sum.data());
    benchmark::DoNotOptimize(sumsq.data());
  }
  state.SetItemsProcessed(state.iterations() * returns.size() * kSets);
}

}  // namespace

BENCHMARK_CAPTURE(BM_RangePath, sma_crossover, "sma_crossover")->Arg(kRangeBars - 1)->Arg(252)->Arg(1);
BENCHMARK_CAPTURE(BM_RangePath, ema_crossover, "ema_crossover")->Arg(kRangeBars - 1)->Arg(1);
BENCHMARK_CAPTURE(BM_RangePath, bollinger, "bollinger")->Arg(kRangeBars - 1)->Arg(1);
BENCHMARK_CAPTURE(BM_RangePath, rsi, "rsi")->Arg(kRangeBars - 1)->Arg(1);
BENCHMARK_CAPTURE(BM_RangePath, donchian, "donchian")->Arg(kRangeBars - 1)->Arg(1);
BENCHMARK_CAPTURE(BM_RangePath, momentum, "momentum")->Arg(kRangeBars - 1)->Arg(1);
BENCHMARK_CAPTURE(BM_EvaluateBlock, sma_crossover, "sma_crossover")->Arg(8)->Arg(64)->Arg(256);
BENCHMARK_CAPTURE(BM_EvaluateBlock, ema_crossover, "ema_crossover")->Arg(256);
BENCHMARK_CAPTURE(BM_EvaluateBlock, bollinger, "bollinger")->Arg(256);
BENCHMARK_CAPTURE(BM_EvaluateBlock, rsi, "rsi")->Arg(256);
BENCHMARK_CAPTURE(BM_EvaluateBlock, donchian, "donchian")->Arg(256);
BENCHMARK_CAPTURE(BM_EvaluateBlock, momentum, "momentum")->Arg(256);
BENCHMARK_CAPTURE(BM_EvaluateGridBlock, sma_crossover, "sma_crossover");
BENCHMARK_CAPTURE(BM_EvaluateGridBlock, ema_crossover, "ema_crossover");
BENCHMARK_CAPTURE(BM_EvaluateGridBlock, bollinger, "bollinger");
BENCHMARK_CAPTURE(BM_EvaluateGridBlock, rsi, "rsi");
BENCHMARK_CAPTURE(BM_EvaluateGridBlock, donchian, "donchian");
BENCHMARK_CAPTURE(BM_EvaluateGridBlock, momentum, "momentum");
BENCHMARK_CAPTURE(BM_UnfusedGridBlock, sma_crossover, "sma_crossover");
BENCHMARK_CAPTURE(BM_UnfusedGridBlock, ema_crossover, "ema_crossover");
BENCHMARK_CAPTURE(BM_UnfusedGridBlock, bollinger, "bollinger");
BENCHMARK_CAPTURE(BM_UnfusedGridBlock, rsi, "rsi");
BENCHMARK_CAPTURE(BM_UnfusedGridBlock, donchian, "donchian");
BENCHMARK_CAPTURE(BM_UnfusedGridBlock, momentum, "momentum");
BENCHMARK_CAPTURE(BM_Positions, sma_crossover, "sma_crossover")->Arg(256);
BENCHMARK_CAPTURE(BM_Positions, ema_crossover, "ema_crossover")->Arg(256);
BENCHMARK_CAPTURE(BM_Positions, bollinger, "bollinger")->Arg(256);
BENCHMARK_CAPTURE(BM_Positions, rsi, "rsi")->Arg(256);
BENCHMARK_CAPTURE(BM_Positions, donchian, "donchian")->Arg(256);
BENCHMARK_CAPTURE(BM_Positions, momentum, "momentum")->Arg(256);
BENCHMARK(BM_BacktestMetrics)->Arg(8)->Arg(64)->Arg(256);
BENCHMARK(BM_BacktestMetricsRef);

// ---- PBO: CSCV split pairs ----
// The workload: 24,623 trials, S = 16 blocks of 328 bars, Arg split pairs a call (a task
// of the overfitting stage holds LiveTrials::kSplitPairsPerTask = 32). Block sums of returns with
// sd 1-1.3% and a trial mean drawn around 0 (seeded). Items are splits: items_per_second is PBO
// splits per second on one core.
void BM_PboSplitPairs(benchmark::State& state) {
  const std::size_t n = 24623;
  const int blocks = 16;
  const std::int64_t len = 328;
  std::mt19937_64 rng(1);
  std::normal_distribution<double> z;
  std::vector<double> s1(blocks * n), s2(blocks * n);
  for (std::size_t i = 0; i < n; ++i) {
    const double mu = 2e-4 * z(rng), sd = 0.01 * (1 + 0.3 * std::fabs(z(rng)));
    for (std::size_t b = 0; b < blocks; ++b) {
      const double a = len * mu + std::sqrt(double(len)) * sd * z(rng);
      s1[b * n + i] = a, s2[b * n + i] = len * sd * sd * (1 + 0.08 * z(rng)) + a * a / len;
    }
  }
  PboScratch scratch;
  const auto pairs = static_cast<std::size_t>(state.range(0));
  std::vector<PboSplit> out(2 * pairs);
  std::uint64_t first = 0;
  for (auto _ : state) {
    pbo_split_pairs(s1, s2, n, blocks, len, first, pairs, out.data(), scratch);
    benchmark::DoNotOptimize(out.data());
    first = (first + 10 * pairs) % (6435 - pairs);  // different splits each call, as the tasks take them
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 2 * pairs));
}
BENCHMARK(BM_PboSplitPairs)->Arg(16)->Arg(32)->Arg(64)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
