#pragma once
// The strategy-search section a job kind embeds in its spec: which strategy, in which
// position mode, over which parameter sets (params, where, search) and at what trading cost
// (docs/spec-reference.md, "Strategy search"). Sweeps and walk-forward runs share it.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qg/core/market_data.hpp"
#include "qg/kernels/strategy.hpp"
#include "search/param_space.hpp"

namespace qg::jobs {

namespace detail {
class MapReader;
}

//! Top-level spec keys of the section.
inline constexpr std::array<std::string_view, 3> kStrategySearchKeys = {"strategy", "search", "costs"};

//! A validated strategy search with its parameter sets.
struct StrategySearch {
  const kernels::Strategy* strategy = nullptr;
  kernels::PositionMode mode = kernels::PositionMode::kLongFlat;
  std::vector<ParamAxis> axes;  // strategy params() order
  std::vector<Constraint> where;
  SearchSpec sampling;  // grid, random or sobol
  double commission_bps = 0;
  double slippage_bps = 0;
  ComboSet combos;  // filled by build_parameter_sets

  //! (commission_bps + slippage_bps) / 1e4: cost per unit of position change.
  double cost_per_unit() const;
};

//! "long_flat" or "long_short".
std::string_view position_mode_name(kernels::PositionMode mode);

//! The strategies registered in the kernels, in kind order.
std::vector<const kernels::Strategy*> registered_strategies();

//! Reads strategy, search and costs from a spec's top-level map (the strategy looked up among
//! `strategies`); `default_seed` seeds random search when search.seed is absent. ConfigError
//! "ORIGIN:LINE: KEY.PATH: what".
StrategySearch read_strategy_search(const detail::MapReader& top, std::uint64_t default_seed,
                                    std::span<const kernels::Strategy* const> strategies);

//! Builds the parameter sets of a read section; search limits are reported at the search
//! section (or at strategy.params for a grid), an empty result at strategy.params.
void build_parameter_sets(const detail::MapReader& top, StrategySearch& search);

//! The longest look-back window of any parameter set: the largest value of an integer
//! parameter (integer parameters are bar counts; levels such as rsi's thresholds are reals).
std::int64_t longest_window(const StrategySearch& search);

//! DataError naming `data_file` and the symbol when the strategy reads prices the symbol does
//! not have (donchian's high and low, from a store that imported closes only).
void check_bar_fields(const StrategySearch& search, const SymbolBars& bars, const std::string& data_file);

}  // namespace qg::jobs
