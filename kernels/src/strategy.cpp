// The entry points every strategy shares: the whole history as one range, and the range
// reference as a slice of the whole-history reference.
#include "qg/kernels/strategy.hpp"

namespace qg::kernels {

void Strategy::positions(const PreparedSeries& series, const double* sets, int n_sets, PositionMode mode,
                         std::int8_t* pos_out) const {
  positions_range(series, sets, n_sets, mode, {0, series.size()}, pos_out);
}

std::vector<std::int8_t> Strategy::positions_range_ref(const PreparedSeries& series, std::span<const double> set,
                                                       PositionMode mode, BarRange bars) const {
  check_range(bars, 0, series.size(), "positions_range_ref");
  const std::vector<std::int8_t> all = positions_ref(series, set, mode);
  return {all.begin() + bars.begin, all.begin() + bars.end};
}

}  // namespace qg::kernels
