// Plain reference of the backtest metrics: one position path, one pass per quantity, written
// for obviousness rather than speed. backtest.cpp is tested against it.
#include <cmath>
#include <cstdlib>
#include <vector>

#include "qg/core/error.hpp"
#include "qg/kernels/backtest.hpp"
#include "qg/kernels/ruin.hpp"

namespace qg::kernels {
namespace {

constexpr double kBarsPerYear = 252.0;

// Standard deviation with ddof=1, two-pass. It is exactly 0 when every value is equal (the
// two-pass formula can leave a rounding residue there); 0 too when fewer than 2 values.
double sample_std(const std::vector<double>& x) {
  const std::size_t n = x.size();
  if (n < 2) return 0.0;
  bool constant = true;
  for (double v : x) constant = constant && v == x[0];
  if (constant) return 0.0;
  double sum = 0.0;
  for (double v : x) sum += v;
  const double mean = sum / static_cast<double>(n);
  double ss = 0.0;
  for (double v : x) ss += (v - mean) * (v - mean);
  return std::sqrt(ss / static_cast<double>(n - 1));
}

}  // namespace

std::array<double, kNumMetrics> backtest_metrics_ref(const PreparedSeries& series, std::span<const std::int8_t> pos,
                                                     double cost_per_unit) {
  return backtest_metrics_range_ref(series, pos, cost_per_unit, {1, series.size()});
}

std::array<double, kNumMetrics> backtest_metrics_range_ref(const PreparedSeries& series,
                                                           std::span<const std::int8_t> pos, double cost_per_unit,
                                                           BarRange returns) {
  const std::int64_t n_bars = series.size();
  if (static_cast<std::int64_t>(pos.size()) != n_bars)
    throw KernelError("backtest_metrics_ref: position path length differs from the series length");
  check_range(returns, 1, n_bars, "backtest_metrics_range_ref");
  if (returns.empty()) throw KernelError("backtest_metrics_range_ref: empty range of return bars");
  const std::int64_t b = returns.begin, e = returns.end;
  const double* r = series.returns();
  const double n = static_cast<double>(e - b);  // number of return bars

  // ---- held positions of the full history (h[0] = 0), net returns of bars b..e-1 ----
  std::vector<double> held(static_cast<std::size_t>(n_bars), 0.0);
  for (std::int64_t t = 1; t < n_bars; ++t) held[t] = pos[t - 1];
  std::vector<double> net;
  for (std::int64_t t = b; t < e; ++t) net.push_back(held[t] * r[t] - cost_per_unit * std::abs(held[t] - held[t - 1]));

  // ---- ruin (ruin.hpp): live_end is one past the last bar traded, the ruin bar or e ----
  const auto ruin_bar = static_cast<std::int64_t>(apply_ruin(net));
  const bool ruined = ruin_bar < e - b;
  const std::int64_t live_end = ruined ? b + ruin_bar + 1 : e;

  // ---- equity curve from 1 at the range start: equity[i] is E after i bars of the range ----
  std::vector<double> equity(net.size() + 1, 1.0);
  for (std::size_t i = 1; i < equity.size(); ++i) equity[i] = equity[i - 1] * (1.0 + net[i - 1]);

  std::array<double, kNumMetrics> m{};
  auto at = [&m](Metric k) -> double& { return m[static_cast<int>(k)]; };

  // ---- return metrics ----
  const double final_equity = equity.back();
  at(Metric::kTotalReturn) = final_equity - 1.0;
  // An equity at or below zero is ruin; the annualised rate is then -100%.
  at(Metric::kCagr) = final_equity > 0.0 ? std::pow(final_equity, kBarsPerYear / n) - 1.0 : -1.0;
  double sum = 0.0;
  for (double v : net) sum += v;
  const double mean = sum / n;
  const double sd = sample_std(net);
  at(Metric::kSharpe) = sd > 0.0 ? mean / sd * std::sqrt(kBarsPerYear) : 0.0;
  double down_sq = 0.0;
  for (double v : net) down_sq += v < 0.0 ? v * v : 0.0;
  const double down_dev = std::sqrt(down_sq / n);
  at(Metric::kSortino) = down_dev > 0.0 ? mean / down_dev * std::sqrt(kBarsPerYear) : 0.0;
  at(Metric::kVolatility) = sd * std::sqrt(kBarsPerYear);

  // ---- drawdown ----
  double peak = 1.0, mdd = 0.0;
  for (double v : equity) {
    if (v > peak) peak = v;
    if (1.0 - v / peak > mdd) mdd = 1.0 - v / peak;
  }
  at(Metric::kMaxDrawdown) = mdd;
  at(Metric::kCalmar) = mdd > 0.0 ? at(Metric::kCagr) / mdd : 0.0;

  // ---- trading activity; the first bar's change is from the position held before the range ----
  double trades = 0.0, turnover = 0.0, exposed = 0.0;
  for (std::int64_t t = b; t < live_end; ++t) {
    if (held[t] != held[t - 1]) trades += 1.0;
    turnover += std::abs(held[t] - held[t - 1]);
    if (held[t] != 0.0) exposed += 1.0;
  }
  at(Metric::kTrades) = trades;
  at(Metric::kTurnover) = turnover;
  at(Metric::kExposure) = exposed / n;

  // ---- round trips: open at a bar of the range held non-zero and differently from the bar
  // before, close at the first later bar of the range held differently ----
  // A trip is charged the cost of opening it (in its entry bar) and of closing it, so a flip's
  // 2k is split between the trip it closes and the trip it opens. The trip held over the ruin
  // bar closes there, lost.
  double closed = 0.0, won = 0.0;
  for (std::int64_t t = b; t < live_end; ++t) {
    if (held[t] == 0.0 || held[t] == held[t - 1]) continue;
    // A trip opens at bar t; find its exit bar (the first bar held differently), if any.
    double growth = 1.0 + held[t] * r[t] - cost_per_unit * std::abs(held[t]);
    std::int64_t exit = t + 1;
    while (exit < live_end && held[exit] == held[t]) growth *= 1.0 + held[t] * r[exit++];
    if (exit == live_end) {
      closed += ruined ? 1.0 : 0.0;  // ruined: a loss; otherwise still open at the end, not counted
      break;
    }
    growth *= 1.0 - cost_per_unit * std::abs(held[t]);
    closed += 1.0;
    if (growth > 1.0) won += 1.0;
  }
  at(Metric::kWinRate) = closed > 0.0 ? won / closed : 0.0;
  return m;
}

}  // namespace qg::kernels
