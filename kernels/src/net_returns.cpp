// Net returns over a range of return bars: time is the outer loop and the sets the inner one,
// so every row is one contiguous read of positions and one contiguous write of returns, which
// the compiler vectorizes. The arithmetic is the reference's, so results are identical.
#include "qg/kernels/net_returns.hpp"

#include <cmath>

#include "qg/core/error.hpp"

namespace qg::kernels {
namespace {

//! One row of net returns: held h = now, previously held = before (before == nullptr: flat).
void net_row(const std::int8_t* before, const std::int8_t* now, int n_sets, double r, double cost, double* out) {
  for (int j = 0; j < n_sets; ++j) {
    const double h = now[j], prev = before != nullptr ? before[j] : 0.0;
    out[j] = h * r - cost * std::abs(h - prev);
  }
}

}  // namespace

void net_returns(const PreparedSeries& series, PositionRows pos, double cost_per_unit, BarRange returns,
                 double* net_out) {
  check_range(returns, 1, series.size(), "net_returns");
  if (pos.n_sets < 0) throw KernelError("net_returns: negative n_sets");
  if (returns.empty()) return;
  if (!pos.bars.contains(decided_bars_for(returns)))
    throw KernelError("net_returns: the positions do not cover the bars the returns need");
  const double* r = series.returns();
  for (std::int64_t t = returns.begin; t < returns.end; ++t) {
    const std::int8_t* before = t >= 2 ? pos.row(t - 2) : nullptr;  // h[t-1] = pos[t-2]; h[0] = 0
    net_row(before, pos.row(t - 1), pos.n_sets, r[t], cost_per_unit, net_out + (t - returns.begin) * pos.n_sets);
  }
}

}  // namespace qg::kernels
