#pragma once
// The sweep path of the strategies: a rule's group function (as sweep_rows takes it) drives the
// run backtest (backtest_runs.hpp), one lane group of parameter sets at a time, time inner.
#include <algorithm>
#include <cstdint>

#include "../backtest_runs.hpp"
#include "common.hpp"

namespace qg::kernels {
inline namespace QG_KERNEL_TARGET_NS {
namespace detail {

//! Metrics of `n_sets` sets (set-major rows of kNumMetrics) over the whole history, the group
//! of sets j0..j0+kWidth-1 deciding its positions at bar t by group(t, j0, prev) from a flat book.
template <class Group>
void fused_groups(const PreparedSeries& series, int n_sets, double cost, double* metrics, Group&& group) {
  runs::LaneChanges changes(series.size());
  for (int j0 = 0; j0 < n_sets; j0 += kWidth)
    runs::fused_group(series, changes, cost, std::min(kWidth, n_sets - j0), metrics + j0 * kNumMetrics,
                      [&](std::int64_t t, VecD prev) { return group(t, j0, prev); });
}

}  // namespace detail
}  // namespace QG_KERNEL_TARGET_NS
}  // namespace qg::kernels
