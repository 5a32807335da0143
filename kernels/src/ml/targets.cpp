// Samples and labels of a training run (targets.hpp).
#include "qg/kernels/ml/targets.hpp"

#include <algorithm>

#include "qg/core/error.hpp"

namespace qg::kernels::ml {

SampleRange sample_range(std::int64_t n_bars, std::int64_t first_bar, int horizon) {
  if (horizon < 1) throw KernelError("sample_range: horizon must be at least 1");
  const std::int64_t last = n_bars - 1 - horizon;  // the last bar with a label
  return {first_bar, std::max<std::int64_t>(0, last - first_bar + 1)};
}

void compute_targets(std::span<const double> close, SampleRange range, TargetKind kind, int horizon,
                     std::span<double> out) {
  if (static_cast<std::int64_t>(out.size()) != range.count) throw KernelError("compute_targets: wrong output size");
  if (range.first + range.count + horizon > static_cast<std::int64_t>(close.size()))
    throw KernelError("compute_targets: the samples' labels run past the series");
  for (std::int64_t s = 0; s < range.count; ++s) {
    const auto t = static_cast<std::size_t>(range.first + s);
    double growth = 1.0;
    for (std::size_t k = t + 1; k <= t + static_cast<std::size_t>(horizon); ++k)
      growth *= 1.0 + (close[k] / close[k - 1] - 1.0);
    const double ret = growth - 1.0;
    out[static_cast<std::size_t>(s)] = kind == TargetKind::kNextReturn ? ret : (ret > 0 ? 1.0 : 0.0);
  }
}

}  // namespace qg::kernels::ml
