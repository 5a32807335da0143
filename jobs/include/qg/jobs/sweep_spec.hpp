#pragma once
// The `job: sweep` spec: one strategy evaluated over a parameter space on every symbol
// (docs/spec-reference.md lists every key).
#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qg/jobs/job.hpp"
#include "qg/jobs/param_space.hpp"
#include "qg/kernels/strategy.hpp"

namespace qg::jobs {

//! Top-level keys a sweep spec has beyond the common header keys.
inline constexpr std::array<std::string_view, 4> kSweepSpecKeys = {"strategy", "search", "costs", "rank_by"};

//! A validated sweep spec with its parameter sets already built.
struct SweepSpec {
  SpecHeader header;
  const kernels::Strategy* strategy = nullptr;
  kernels::PositionMode mode = kernels::PositionMode::kLongFlat;
  std::vector<ParamAxis> axes;       // strategy params() order
  std::vector<Constraint> where;
  SearchSpec search;
  double commission_bps = 0;
  double slippage_bps = 0;
  std::string rank_by = "sharpe";
  ComboSet combos;

  //! (commission_bps + slippage_bps) / 1e4: cost per unit of position change.
  double cost_per_unit() const { return (commission_bps + slippage_bps) / 1e4; }
};

//! "long_flat" or "long_short".
std::string_view position_mode_name(kernels::PositionMode mode);

//! Parses and validates a sweep spec, looking its strategy up among `strategies`. Throws
//! ConfigError "ORIGIN:LINE: KEY.PATH: what", including when no parameter set survives.
SweepSpec parse_sweep_spec(const std::string& spec_text, const std::string& origin,
                           std::span<const kernels::Strategy* const> strategies);

//! Same, over the strategies registered in the kernels.
SweepSpec parse_sweep_spec(const std::string& spec_text, const std::string& origin);

}  // namespace qg::jobs
