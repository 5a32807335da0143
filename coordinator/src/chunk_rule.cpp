#include "qg/coordinator/chunk_rule.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qg::coordinator {

std::uint64_t min_chunk_for_load(int n_workers, ServiceCost cost, double task_seconds, double load) {
  if (!(task_seconds > 0.0) || !(load > 0.0) || n_workers < 1) return 1;
  const double fixed = std::max(static_cast<double>(n_workers) * cost.per_chunk, cost.per_chunk + cost.round_trip);
  if (!(fixed > 0.0)) return 1;
  // A relative 1e-9 below the exact quotient, so that 90.00000000000001 (rounding) means 90 tasks:
  // far below the noise of any timing.
  const double c = std::ceil(fixed / (load * task_seconds) * (1.0 - 1e-9));
  constexpr double kMax = 1e18;  // beyond any stage; the scheduler's caps apply first
  if (!(c < kMax)) return std::numeric_limits<std::uint64_t>::max();
  return c < 1.0 ? 1 : static_cast<std::uint64_t>(c);
}

std::uint64_t cap_for_tail(std::uint64_t min_chunk, std::uint64_t n_tasks, int n_workers, std::uint64_t tail_parts) {
  const std::uint64_t parts =
      static_cast<std::uint64_t>(std::max(1, n_workers)) * std::max<std::uint64_t>(1, tail_parts);
  return std::min(min_chunk, std::max<std::uint64_t>(1, (n_tasks + parts - 1) / parts));
}

std::size_t pipeline_depth_for(double chunk_seconds, double queued_seconds, std::size_t base, std::size_t most) {
  if (!(chunk_seconds > 0.0)) return base;
  const double chunks = std::ceil(queued_seconds / chunk_seconds);
  if (!(chunks < static_cast<double>(most))) return std::max(base, most);
  return std::max(base, static_cast<std::size_t>(chunks));
}

}  // namespace qg::coordinator
