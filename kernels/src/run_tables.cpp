// The prefix tables of the run backtest (run_tables.hpp), accumulated in bar order.
#include "qg/kernels/run_tables.hpp"

namespace qg::kernels {
namespace {
constexpr double kGrowthLimit = 1e280;  // prefix products stay well inside double range
}  // namespace

RunTables::RunTables(const double* r, std::int64_t first, std::int64_t last) : first_(first) {
  const auto n = static_cast<std::size_t>(last - first);
  sum_.assign(n + 1, 0.0);
  sq_.assign(n + 1, 0.0);
  down_long_.assign(n + 1, 0.0);
  down_short_.assign(n + 1, 0.0);
  growth_long_.assign(n, 0.0);
  growth_short_.assign(n, 0.0);
  double up = 1.0, dn = 1.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = r[first_ + static_cast<std::int64_t>(i)];
    sum_[i + 1] = sum_[i] + x;
    sq_[i + 1] = sq_[i] + x * x;
    down_long_[i + 1] = down_long_[i] + (x < 0.0 ? x * x : 0.0);
    down_short_[i + 1] = down_short_[i] + (x > 0.0 ? x * x : 0.0);
    up *= 1.0 + x;
    dn *= 1.0 - x;
    growth_long_[i] = up;
    growth_short_[i] = dn;
    growth_ok_ =
        growth_ok_ && up < kGrowthLimit && up > 1.0 / kGrowthLimit && dn < kGrowthLimit && dn > 1.0 / kGrowthLimit;
    if (x >= 1.0) short_ruin_.push_back(first_ + static_cast<std::int64_t>(i));
  }
}

}  // namespace qg::kernels
