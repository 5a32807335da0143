#include "qg/kernels/series.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <string>

#include "qg/core/error.hpp"

namespace qg::kernels {
namespace {

// Level 0 is the data itself; level k holds the extreme of the 2^k bars starting at each index,
// so any range is covered by two (overlapping) entries of one level.
template <class Pick>
std::vector<std::vector<double>> build_sparse_table(const std::vector<double>& values, Pick pick) {
  std::vector<std::vector<double>> levels{values};
  const std::size_t n = values.size();
  for (std::size_t span = 2; span <= n; span *= 2) {
    const std::vector<double>& prev = levels.back();
    std::vector<double> next(n - span + 1);
    for (std::size_t i = 0; i < next.size(); ++i) next[i] = pick(prev[i], prev[i + span / 2]);
    levels.push_back(std::move(next));
  }
  return levels;
}

void validate(const BarsView& bars) {
  const std::size_t n = bars.close.size();
  if (n < 2) throw KernelError("PreparedSeries: need at least 2 bars, got " + std::to_string(n));
  if (bars.high.size() != n || bars.low.size() != n) throw KernelError("PreparedSeries: high/low/close lengths differ");
  for (std::size_t t = 0; t < n; ++t) {
    // Returns divide by the previous close, so a zero, negative or NaN close is unusable.
    if (!(bars.close[t] > 0.0) || !std::isfinite(bars.close[t]))
      throw KernelError("PreparedSeries: close[" + std::to_string(t) + "] is not a positive number");
  }
}

}  // namespace

PreparedSeries::PreparedSeries(BarsView bars, bool range_tables) {
  validate(bars);
  high_.assign(bars.high.begin(), bars.high.end());
  low_.assign(bars.low.begin(), bars.low.end());
  close_.assign(bars.close.begin(), bars.close.end());
  const std::size_t n = close_.size();

  returns_.assign(n, 0.0);
  for (std::size_t t = 1; t < n; ++t) returns_[t] = close_[t] / close_[t - 1] - 1.0;
  for (double r : returns_) max_abs_return_ = std::max(max_abs_return_, std::abs(r));  // closes are > 0 and finite

  close_prefix_.assign(n + 1, 0.0);
  close_sq_prefix_.assign(n + 1, 0.0);
  for (std::size_t t = 0; t < n; ++t) {
    close_prefix_[t + 1] = close_prefix_[t] + close_[t];
    close_sq_prefix_[t + 1] = close_sq_prefix_[t] + close_[t] * close_[t];
  }

  if (range_tables) {
    max_high_ = build_sparse_table(high_, [](double a, double b) { return std::max(a, b); });
    min_low_ = build_sparse_table(low_, [](double a, double b) { return std::min(a, b); });
  }
  run_tables_ = RunTables(returns_.data(), 1, static_cast<std::int64_t>(n));
}

}  // namespace qg::kernels
