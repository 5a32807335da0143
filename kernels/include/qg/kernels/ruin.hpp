#pragma once
// Ruin (docs/strategies.md, "Ruin"): equity cannot go below zero. The first bar whose net return
// is -1 or below (a short into a spike, a bad tick, costs of 100% or more) loses the whole
// equity and ends the strategy: that bar counts as -1, and every later bar as 0 (flat, nothing
// traded, no costs). Since equity before that bar is positive, the ruin bar is the first bar with
// net <= -1 whatever the equity it starts from, so the rule applies the same to a whole history,
// a range of it, or a stitched series.
#include <cstddef>
#include <span>

namespace qg::kernels {

//! The net return one bar contributes under the ruin rule. `ruined` says whether the path was
//! ruined before this bar and is set when this bar ruins it: 0 once ruined, -1 for the ruin
//! bar, `net` otherwise (NaN stays NaN).
double net_after_ruin(double net, bool& ruined);

//! Applies the ruin rule to one path's net returns in place, from the start of its equity
//! curve. Returns the index of the ruin bar, or net.size() when the path is never ruined.
std::size_t apply_ruin(std::span<double> net);

}  // namespace qg::kernels
