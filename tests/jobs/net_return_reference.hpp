#pragma once
// A brute-force reference for the jobs' statistics: per-bar net returns of every parameter set
// of a search on one symbol by plain loops over the kernels' reference positions
// (positions_ref), and two-pass Sharpe ratios of them.
#include <cmath>
#include <cstdint>
#include <vector>

#include "qg/core/market_data.hpp"
#include "qg/kernels/series.hpp"
#include "search/strategy_search.hpp"

namespace qg::testing {

struct NetReturnReference {
  std::vector<std::vector<std::int8_t>> pos;  // [set][bar]
  std::vector<double> r;                      // r[t]
  double cost;

  NetReturnReference(const SymbolBars& b, const jobs::StrategySearch& search) : cost(search.cost_per_unit()) {
    const kernels::PreparedSeries series(kernels::BarsView{b.high, b.low, b.close});
    for (std::size_t i = 0; i < search.combos.size(); ++i)
      pos.push_back(search.strategy->positions_ref(series, search.combos.set(i), search.mode));
    r.assign(b.close.size(), 0.0);
    for (std::size_t t = 1; t < b.close.size(); ++t) r[t] = b.close[t] / b.close[t - 1] - 1.0;
  }
  //! Net return of set i in column j (return bar j + 1).
  double net(std::size_t i, std::int64_t j) const {
    const double h = pos[i][static_cast<std::size_t>(j)],
                 before = j > 0 ? pos[i][static_cast<std::size_t>(j - 1)] : 0.0;
    return h * r[static_cast<std::size_t>(j + 1)] - cost * std::fabs(h - before);
  }
  //! Two-pass per-bar Sharpe (ddof = 1) of set i over columns [a, b).
  double sharpe(std::size_t i, std::int64_t a, std::int64_t b) const {
    double mean = 0;
    for (std::int64_t j = a; j < b; ++j) mean += net(i, j);
    mean /= static_cast<double>(b - a);
    double ss = 0;
    for (std::int64_t j = a; j < b; ++j) ss += (net(i, j) - mean) * (net(i, j) - mean);
    const double sd = std::sqrt(ss / static_cast<double>(b - a - 1));
    return sd > 0 ? mean / sd : 0.0;
  }
};

}  // namespace qg::testing
