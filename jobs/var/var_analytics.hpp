#pragma once
// The figures of a var run, computed on the coordinator from the setup and the merged tail:
// Monte Carlo (from the exact top-K tail), historical simulation, parametric (delta-normal),
// stress scenarios and the rolling VaR backtest. docs/var.md states every convention.
#include <cstdint>
#include <span>
#include <vector>

#include "qg/kernels/var/coverage.hpp"

namespace qg::jobs {

struct VarSetup;

//! One method's figures at every confidence level of the spec (in spec order).
struct MethodFigures {
  std::uint64_t scenarios = 0;                       // sample size behind the figures (0: closed form)
  std::vector<double> var, es, var_se, es_se;        // per level; se NaN where not a Monte Carlo estimate
  std::vector<std::vector<double>> component_var;    // [level][position], sums to var
  std::vector<std::vector<double>> component_es;     // [level][position], sums to es
  std::vector<std::vector<double>> incremental_var;  // [level][position]
};

//! A stage-0 record: one batch's size, loss sums and batch-level VaR / ES per level.
struct BatchStats {
  double n = 0, sum = 0, sum2 = 0, threshold = 0;
  std::vector<double> var, es;
};

//! What the Monte Carlo and historical figures are computed from: the K largest of n_total
//! losses sorted descending, the component sums over those K scenarios (TailComponents, added in
//! a fixed order) and, when kept, the K rows [loss, id, P&L per position] in the same order.
struct TailInputs {
  std::uint64_t n_total = 0;
  std::vector<double> losses;
  std::vector<double> component_sums;
  std::span<const double> rows;  // empty: incremental VaR is not computed (NaN)
};

//! Figures from a tail. VaR, ES and component ES are exact; component VaR averages the
//! positions' losses over the ranks within max(1, r/20) of the VaR rank r, rescaled to sum to
//! VaR; incremental VaR is the VaR of (loss - position loss) over the rows, exact only when the
//! rows are the whole sample (historical), an approximation on a tail (Monte Carlo).
MethodFigures tail_figures(const VarSetup& setup, const TailInputs& tail);

//! Batch-means standard errors: with batch estimates v_b over n_b scenarios and the full-run
//! estimate v, se = sqrt(sum_b n_b (v_b - v)^2 / ((T - 1) S)); NaN with fewer than 2 batches.
void batch_means_se(const std::vector<BatchStats>& batches, MethodFigures& figures);

//! Historical simulation over the window's return vectors (full revaluation).
MethodFigures historical_figures(const VarSetup& setup);

//! Delta-normal figures with the model's distribution (normal for the bootstrap model).
MethodFigures parametric_figures(const VarSetup& setup);

//! Stress scenarios: total and per-position P&L (row-major scenario x position).
struct StressFigures {
  std::vector<double> pnl;
  std::vector<double> position_pnl;
};
StressFigures stress_figures(const VarSetup& setup);

//! The rolling backtest: one test per level, and the daily series it was computed from.
struct BacktestFigures {
  std::vector<kernels::var::CoverageTest> tests;  // per level
  std::vector<std::int32_t> dates;                // the forecast days
  std::vector<double> pnl;                        // realised P&L of today's book on that day
  std::vector<double> var;                        // row-major day x level forecasts
};
//! Forecast for day t: historical-simulation 1-day VaR of today's book over the returns of the
//! `backtest.window` days before t; realised: today's book revalued under day t's returns.
BacktestFigures backtest_figures(const VarSetup& setup);

}  // namespace qg::jobs
