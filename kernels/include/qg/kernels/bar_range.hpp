#pragma once
// A half-open range of bars [begin, end) of one series: the unit of the range kernels
// (walk-forward windows and blocks, the newest bar of the live node).
#include <cstdint>
#include <string_view>

namespace qg::kernels {

//! Bars begin, begin+1, ..., end-1 of one series (bar 0 is the oldest).
struct BarRange {
  std::int64_t begin = 0;
  std::int64_t end = 0;

  std::int64_t size() const { return end - begin; }
  bool empty() const { return end <= begin; }
  //! True when `inner` lies inside this range.
  bool contains(BarRange inner) const { return begin <= inner.begin && inner.end <= end; }
};

//! Throws KernelError, naming `who`, unless lowest <= range.begin <= range.end <= n_bars.
void check_range(BarRange range, std::int64_t lowest, std::int64_t n_bars, std::string_view who);

}  // namespace qg::kernels
