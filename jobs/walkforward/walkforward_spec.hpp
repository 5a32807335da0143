#pragma once
// The `job: walkforward` spec: a strategy search re-optimised on rolling (or anchored)
// in-sample windows and judged on the out-of-sample windows that follow, with overfitting
// statistics over all trials (docs/walkforward.md, docs/spec-reference.md).
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "qg/jobs/job.hpp"
#include "search/strategy_search.hpp"

namespace qg::jobs {

//! Top-level keys a walk-forward spec has beyond the common header keys.
inline constexpr std::array<std::string_view, 6> kWalkforwardSpecKeys = {"strategy", "search",    "costs",
                                                                         "windows",  "objective", "overfitting"};

struct WalkforwardSpec {
  SpecHeader header;
  StrategySearch search;
  std::int64_t in_sample = 0;      // bars of an in-sample window
  std::int64_t out_of_sample = 0;  // bars of an out-of-sample window, and the step
  bool anchored = false;           // in-sample windows all start at the live start
  std::string objective = "sharpe";
  int objective_metric = 0;  // kernels::Metric index
  bool minimise = false;     // max_drawdown and volatility: smaller is better
  int pbo_blocks = 16;       // S of CSCV: even, 2..32
};

//! Parses and validates a walk-forward spec. ConfigError "ORIGIN:LINE: KEY.PATH: what".
WalkforwardSpec parse_walkforward_spec(const std::string& spec_text, const std::string& origin);

}  // namespace qg::jobs
