// Plain reference of net_returns: one path, the definition written out bar by bar.
#include <cmath>

#include "qg/core/error.hpp"
#include "qg/kernels/net_returns.hpp"

namespace qg::kernels {

std::vector<double> net_returns_ref(const PreparedSeries& series, std::span<const std::int8_t> pos,
                                    double cost_per_unit, BarRange returns) {
  const std::int64_t n_bars = series.size();
  if (static_cast<std::int64_t>(pos.size()) != n_bars)
    throw KernelError("net_returns_ref: position path length differs from the series length");
  check_range(returns, 1, n_bars, "net_returns_ref");
  std::vector<double> held(static_cast<std::size_t>(n_bars), 0.0);  // h[0] = 0
  for (std::int64_t t = 1; t < n_bars; ++t) held[t] = pos[t - 1];
  std::vector<double> net;
  for (std::int64_t t = returns.begin; t < returns.end; ++t)
    net.push_back(held[t] * series.returns()[t] - cost_per_unit * std::abs(held[t] - held[t - 1]));
  return net;
}

}  // namespace qg::kernels
