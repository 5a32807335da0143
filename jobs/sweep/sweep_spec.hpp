#pragma once
// The `job: sweep` spec: one strategy search evaluated on every symbol, with overfitting
// statistics over each symbol's parameter sets unless `overfitting: false`
// (docs/spec-reference.md lists every key).
#include <array>
#include <span>
#include <string>
#include <string_view>

#include "overfitting/overfitting_spec.hpp"
#include "qg/jobs/job.hpp"
#include "search/strategy_search.hpp"

namespace qg::jobs {

//! Top-level keys a sweep spec has beyond the common header keys.
inline constexpr std::array<std::string_view, 5> kSweepSpecKeys = {"strategy", "search", "costs", "rank_by",
                                                                   "overfitting"};

//! A sweep's overfitting defaults (docs/spec-reference.md): S = 12 CSCV blocks (924 splits;
//! 16 blocks make 12,870 and cost about three times the sweep itself), and statistics only up
//! to this many parameter sets (N_eff's correlations grow with their square) and (parameter
//! set, symbol) pairs unless the spec asks for them.
inline constexpr int kSweepPboBlocks = 12;
inline constexpr std::size_t kSweepOverfittingMaxSets = 100'000;
inline constexpr std::size_t kSweepOverfittingMaxPairs = 2'000'000;

//! A validated sweep spec with its parameter sets already built.
struct SweepSpec {
  SpecHeader header;
  StrategySearch search;
  std::string rank_by = "sharpe";
  OverfittingSpec overfitting{.enabled = true, .pbo_blocks = kSweepPboBlocks};  // on by default
};

//! Parses and validates a sweep spec, looking its strategy up among `strategies`. Throws
//! ConfigError "ORIGIN:LINE: KEY.PATH: what", including when no parameter set survives.
SweepSpec parse_sweep_spec(const std::string& spec_text, const std::string& origin,
                           std::span<const kernels::Strategy* const> strategies);

//! Same, over the strategies registered in the kernels.
SweepSpec parse_sweep_spec(const std::string& spec_text, const std::string& origin);

}  // namespace qg::jobs
