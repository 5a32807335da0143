// The public backtest entry points: metric names, and the sweep backtest over stored position
// rows (the walk-forward path), which checks its arguments and runs the run kernel of the CPU
// target chosen at run time (backtest_runs.cpp, target_kernels.hpp).
#include <algorithm>
#include <array>
#include <string>

#include "qg/core/error.hpp"
#include "qg/kernels/backtest.hpp"
#include "target_kernels.hpp"

namespace qg::kernels {
namespace {

constexpr std::array<std::string_view, kNumMetrics> kMetricNames = {
    "total_return", "cagr",   "sharpe",   "sortino",  "volatility", "max_drawdown",
    "calmar",       "trades", "turnover", "exposure", "win_rate"};

}  // namespace

std::span<const std::string_view> metric_names() { return kMetricNames; }

int metric_index(std::string_view name) {
  const auto it = std::find(kMetricNames.begin(), kMetricNames.end(), name);
  return it == kMetricNames.end() ? -1 : static_cast<int>(it - kMetricNames.begin());
}

void backtest_metrics(const PreparedSeries& series, const std::int8_t* pos, int n_sets, double cost_per_unit,
                      double* metrics) {
  if (n_sets < 0) throw KernelError("backtest_metrics: negative n_sets");
  backtest_metrics_range(series, PositionRows{pos, n_sets, {0, series.size()}}, cost_per_unit, {1, series.size()},
                         metrics);
}

void backtest_metrics_range(const PreparedSeries& series, PositionRows pos, double cost_per_unit, BarRange returns,
                            double* metrics) {
  check_range(returns, 1, series.size(), "backtest_metrics_range");
  if (returns.empty()) throw KernelError("backtest_metrics_range: empty range of return bars");
  if (pos.n_sets < 0) throw KernelError("backtest_metrics_range: negative n_sets");
  if (!pos.bars.contains(decided_bars_for(returns)))
    throw KernelError("backtest_metrics_range: the positions do not cover the bars the returns need");
  active_kernels().backtest_metrics_range(series, pos, cost_per_unit, returns, metrics);
}

}  // namespace qg::kernels
