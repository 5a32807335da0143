#pragma once
// Where a walk-forward run's windows and blocks fall on its one series (docs/walkforward.md).
// Columns j = 0..n-1 are the return bars t = j + 1; the live period is j >= j0, the first
// column in which every parameter set holds a defined position.
#include <cstdint>
#include <vector>

#include "walkforward/walkforward_spec.hpp"

namespace qg::jobs {

struct WalkforwardWindow {
  std::int64_t is_begin, is_end;    // in-sample columns [is_begin, is_end)
  std::int64_t oos_begin, oos_end;  // out-of-sample columns [oos_begin, oos_end)
};

struct WalkforwardPlan {
  std::int64_t n = 0;          // return columns
  std::int64_t j0 = 0;         // first live column
  std::int64_t live = 0;       // live columns, n - j0
  std::int64_t block = 0;      // bars of a selection block: gcd(in_sample, out_of_sample)
  std::int64_t blocks = 0;     // selection blocks covering the live period (the last may be short)
  std::int64_t pbo_block = 0;  // bars of a CSCV block: floor(live / S)
  std::vector<WalkforwardWindow> windows;

  //! Selection blocks [first, last) that make up live-relative columns [begin, end).
  std::pair<std::int64_t, std::int64_t> block_span(std::int64_t begin, std::int64_t end) const {
    return {(begin - j0) / block, (end - j0) / block};
  }
};

//! The plan of `spec` on a series of `n_bars` bars. DataError when no window fits or the live
//! period is too short for the CSCV blocks.
WalkforwardPlan plan_walkforward(const WalkforwardSpec& spec, std::int64_t n_bars, const std::string& symbol);

}  // namespace qg::jobs
