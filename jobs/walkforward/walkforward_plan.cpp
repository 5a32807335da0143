#include "walkforward/walkforward_plan.hpp"

#include <algorithm>
#include <numeric>

#include "overfitting/live_trials.hpp"
#include "qg/core/error.hpp"

namespace qg::jobs {
WalkforwardPlan plan_walkforward(const WalkforwardSpec& spec, std::int64_t n_bars, const std::string& symbol) {
  WalkforwardPlan p;
  p.n = n_bars - 1;
  p.j0 = LiveTrials::live_start(spec.search);
  p.live = p.n - p.j0;
  p.block = std::gcd(spec.in_sample, spec.out_of_sample);
  for (std::int64_t k = 0;; ++k) {
    const std::int64_t s = spec.anchored ? p.j0 : p.j0 + k * spec.out_of_sample;
    const std::int64_t e = spec.anchored ? p.j0 + spec.in_sample + k * spec.out_of_sample : s + spec.in_sample;
    if (e >= p.n) break;
    p.windows.push_back({s, e, e, std::min(e + spec.out_of_sample, p.n)});
  }
  const std::string where = spec.header.data_file + ": symbol '" + symbol + "' has " + std::to_string(n_bars) + " bars";
  if (p.windows.empty())
    throw DataError(where + ", live from bar " + std::to_string(p.j0 + 1) + " (the longest warm-up): windows of " +
                    std::to_string(spec.in_sample) + " in-sample and " + std::to_string(spec.out_of_sample) +
                    " out-of-sample bars need at least " + std::to_string(p.j0 + spec.in_sample + 2) + " bars");
  p.blocks = (p.live + p.block - 1) / p.block;
  p.pbo_block = p.live / spec.pbo_blocks;
  if (p.pbo_block < 2)
    throw DataError(where + ": " + std::to_string(p.live) + " live bars are too few for " +
                    std::to_string(spec.pbo_blocks) + " PBO blocks of at least 2 bars (overfitting.pbo_blocks)");
  return p;
}

}  // namespace qg::jobs
