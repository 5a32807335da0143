#include <string>

#include "qg/core/error.hpp"
#include "qg/kernels/backtest.hpp"
#include "qg/kernels/strategy.hpp"

namespace qg::kernels {

void Strategy::evaluate(const PreparedSeries& series, const double* sets, int n_sets, PositionMode mode,
                        double cost_per_unit, double* metrics_out, std::vector<std::int8_t>& scratch) const {
  const auto cells = static_cast<std::size_t>(series.size()) * static_cast<std::size_t>(n_sets);
  if (scratch.size() < cells) scratch.resize(cells);  // grows only: blocks reuse the buffer
  positions(series, sets, n_sets, mode, scratch.data());
  backtest_metrics(series, scratch.data(), n_sets, cost_per_unit, metrics_out);
}

void evaluate_block(const Strategy& strategy, const PreparedSeries& series, const double* sets, int n_sets,
                    PositionMode mode, double cost_per_unit, double* metrics_out, std::vector<std::int8_t>& scratch) {
  if (n_sets < 0) throw KernelError("evaluate_block: negative n_sets");
  strategy.evaluate(series, sets, n_sets, mode, cost_per_unit, metrics_out, scratch);
}

}  // namespace qg::kernels
