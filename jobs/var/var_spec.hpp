#pragma once
// The `job: var` spec (docs/var.md, docs/spec-reference.md) and the setup built from it and
// the market data: aligned returns, the estimated shock model and the compiled book.
#include <Eigen/Core>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "qg/jobs/job.hpp"
#include "qg/core/market_data.hpp"
#include "qg/kernels/var/simulate.hpp"

namespace qg::jobs {

enum class CovarianceKind : std::uint8_t { kSample, kEwma };
enum class MeanKind : std::uint8_t { kZero, kSample };
//! Whether a Monte Carlo run computes incremental VaR, which needs every tail scenario's
//! per-position P&L on the coordinator: auto = when those rows take at most kTailRowsBudget.
enum class IncrementalVar : std::uint8_t { kAuto, kOn, kOff };
inline constexpr std::uint64_t kTailRowsBudget = std::uint64_t{1} << 30;

//! One position as written in the spec.
struct VarPositionSpec {
  std::string symbol;
  double quantity = 0;
  bool is_option = false;
  kernels::var::OptionType type = kernels::var::OptionType::kCall;
  double strike = 0;
  double expiry_days = 0;  // trading days
  double vol = 0;          // annual
  std::string label;       // "DAX", "call CAC 2500 60d"
};

//! A named stress scenario: simple returns per symbol (symbols not named: 0).
struct StressSpec {
  std::string name;
  std::vector<std::pair<std::string, double>> shocks;
};

//! A validated var spec.
struct VarSpec {
  SpecHeader header;
  std::vector<VarPositionSpec> positions;
  std::size_t window = 250;
  CovarianceKind covariance = CovarianceKind::kSample;
  double lambda = 0.94;
  kernels::var::Distribution distribution = kernels::var::Distribution::kNormal;
  int nu = 0;
  MeanKind mean = MeanKind::kZero;
  double shrinkage = 0;
  int horizon_days = 1;
  std::vector<double> confidence;  // as given, each in (0, 1)
  std::uint64_t scenarios = 100000;
  std::uint64_t batch = 65536;  // scenarios per task
  std::vector<StressSpec> stress;
  std::size_t backtest_window = 0;  // 0: no backtest
  double rate = 0;
  IncrementalVar incremental_var = IncrementalVar::kAuto;

  //! The smallest confidence level (the deepest tail the reduce must keep).
  double min_confidence() const;
};

//! Trading days per year: expiries, horizons and volatilities convert with it.
inline constexpr double kTradingDaysPerYear = 252.0;

//! Everything a var job computes from, built once per rank from the spec and the data.
struct VarSetup {
  VarSpec spec;
  std::vector<std::string> assets;  // distinct position symbols, in first-use order
  std::vector<std::int32_t> dates;  // dates common to every asset, oldest first
  Eigen::MatrixXd returns;          // simple returns between consecutive common dates (dates.size()-1 rows)
  Eigen::MatrixXd horizon_history;  // the window's return rows as horizon shocks (see docs/var.md)
  Eigen::MatrixXd cov;              // horizon covariance (after shrinkage)
  Eigen::VectorXd mean;             // horizon mean shock
  kernels::var::Book book;
  kernels::var::ShockModel model;
  std::vector<std::string> position_names;
};

//! Parses and validates a var spec against the data and estimates the model. Throws
//! ConfigError "ORIGIN:LINE: KEY.PATH: what" for a bad spec and DataError (same form) for data
//! that cannot serve it: an unknown symbol, a window longer than the history, a covariance
//! that is not positive definite.
VarSetup build_var_setup(const std::string& spec_text, const std::string& origin, const MarketData& data);

//! "normal", "student_t" or "historical".
std::string_view distribution_name(kernels::var::Distribution d);

}  // namespace qg::jobs
