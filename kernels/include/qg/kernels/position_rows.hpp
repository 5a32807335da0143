#pragma once
// A read-only view of the positions of a block of parameter sets over a range of decided bars,
// as Strategy::positions_range writes them.
#include <cstdint>

#include "qg/kernels/bar_range.hpp"

namespace qg::kernels {

//! Time-major positions: row(t)[j] is set j's position decided at close t, for t in `bars`.
struct PositionRows {
  const std::int8_t* data = nullptr;
  int n_sets = 0;
  BarRange bars;

  const std::int8_t* row(std::int64_t t) const { return data + (t - bars.begin) * n_sets; }
};

//! The decided bars whose positions the return bars `returns` need: the held position
//! h[t] = pos[t-1] for t in `returns`, and h[returns.begin - 1] = pos[returns.begin - 2] for the
//! cost of the first bar (nothing before bar 0: the book starts flat).
inline BarRange decided_bars_for(BarRange returns) {
  return {returns.begin >= 2 ? returns.begin - 2 : 0, returns.end >= 1 ? returns.end - 1 : 0};
}

}  // namespace qg::kernels
