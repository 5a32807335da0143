#pragma once
// Samples and labels of `job: train`: sample s is bar t = first + s, every bar from the first at
// which every feature is defined to the last with a label (bar T - 1 - h for horizon h).
#include <cstdint>
#include <span>

namespace qg::kernels::ml {

enum class TargetKind : std::uint8_t { kNextReturn, kNextUp };

//! Bars first .. first + count - 1 are the samples.
struct SampleRange {
  std::int64_t first = 0;
  std::int64_t count = 0;
};

//! The samples of a series of `n_bars` bars whose features are defined from bar `first_bar`,
//! with a label `horizon` bars ahead. count is 0 when no bar qualifies.
SampleRange sample_range(std::int64_t n_bars, std::int64_t first_bar, int horizon);

//! Labels of the samples: next_return = (1 + r_{t+1}) ... (1 + r_{t+h}) - 1, the compound
//! return of bars t+1..t+h; next_up = 1 when that return is > 0, else 0. `out` has
//! range.count values.
void compute_targets(std::span<const double> close, SampleRange range, TargetKind kind, int horizon,
                     std::span<double> out);

}  // namespace qg::kernels::ml
