#include "qg/coordinator/chunk_rule.hpp"

#include <cmath>
#include <limits>

namespace qg::coordinator {
namespace {

//! ceil(x) for a count of tasks from measured times, where x = 90.00000000000001 means 90: a
//! relative 1e-9 is far below the noise of any timing.
double ceil_count(double x) { return std::ceil(x * (1.0 - 1e-9)); }

}  // namespace

std::uint64_t min_chunk_for_load(int n_workers, ServiceCost cost, double task_seconds, double load) {
  if (!(task_seconds > 0.0) || !(cost.per_chunk > 0.0) || n_workers < 1) return 1;
  const double workers = static_cast<double>(n_workers);
  const double spare = load * task_seconds - workers * cost.per_task;  // rank-0 time per task left for chunks
  constexpr auto kNever = std::numeric_limits<std::uint64_t>::max();
  if (!(spare > 0.0)) {
    if (!(cost.per_task > 0.0)) return kNever;
    return static_cast<std::uint64_t>(ceil_count(9.0 * cost.per_chunk / cost.per_task));
  }
  const double c = ceil_count(workers * cost.per_chunk / spare);
  if (!(c < 1e18)) return kNever;
  return c < 1.0 ? 1 : static_cast<std::uint64_t>(c);
}

}  // namespace qg::coordinator
