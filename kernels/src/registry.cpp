// The strategy registry: the built-in strategies of the CPU target chosen at run time (one line
// per strategy in target_table.cpp).
#include <algorithm>
#include <array>

#include "qg/kernels/strategy.hpp"
#include "target_kernels.hpp"

namespace qg::kernels {
namespace {

// The instances are immutable function-local statics, so lookups are thread-safe.
const std::array<const Strategy*, 6>& all_strategies() { return active_kernels().strategies; }

}  // namespace

const Strategy* find_strategy(std::string_view kind) {
  for (const Strategy* s : all_strategies())
    if (s->kind() == kind) return s;
  return nullptr;
}

std::vector<std::string_view> strategy_kinds() {
  std::vector<std::string_view> kinds;
  for (const Strategy* s : all_strategies()) kinds.push_back(s->kind());
  std::sort(kinds.begin(), kinds.end());
  return kinds;
}

}  // namespace qg::kernels
