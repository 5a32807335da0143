#pragma once
// Net returns of a block of position paths over a range of return bars, for walk-forward
// windows and blocks. The convention is the backtest's (backtest.hpp, docs/strategies.md):
// h[t] = pos[t-1] from the full-history causal positions, h[0] = 0, and
//   net[t] = h[t]*r[t] - k*|h[t] - h[t-1]|,
// so the cost at the first bar of a range is the change from the position held before it.
#include <cstdint>
#include <span>
#include <vector>

#include "qg/kernels/bar_range.hpp"
#include "qg/kernels/position_rows.hpp"
#include "qg/kernels/series.hpp"

namespace qg::kernels {

//! net_out[(t - returns.begin) * pos.n_sets + j] = net[t] of set j for the return bars t in
//! `returns` (1 <= begin <= end <= T). `pos` must cover decided_bars_for(returns).
//! Throws KernelError otherwise.
void net_returns(const PreparedSeries& series, PositionRows pos, double cost_per_unit, BarRange returns,
                 double* net_out);

//! Plain-loop reference of net_returns for one full-history position path (series.size()
//! entries); returns returns.size() values.
std::vector<double> net_returns_ref(const PreparedSeries& series, std::span<const std::int8_t> pos,
                                    double cost_per_unit, BarRange returns);

}  // namespace qg::kernels
