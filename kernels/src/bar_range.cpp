#include "qg/kernels/bar_range.hpp"

#include <string>

#include "qg/core/error.hpp"

namespace qg::kernels {

void check_range(BarRange range, std::int64_t lowest, std::int64_t n_bars, std::string_view who) {
  if (lowest <= range.begin && range.begin <= range.end && range.end <= n_bars) return;
  throw KernelError(std::string(who) + ": bar range [" + std::to_string(range.begin) + ", " +
                    std::to_string(range.end) + ") is not inside [" + std::to_string(lowest) + ", " +
                    std::to_string(n_bars) + ")");
}

}  // namespace qg::kernels
