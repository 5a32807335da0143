// The strategy registry: one line per built-in strategy.
#include <algorithm>
#include <array>

#include "qg/kernels/strategy.hpp"
#include "strategies/all.hpp"

namespace qg::kernels {
namespace {

// The instances are immutable function-local statics, so lookups are thread-safe.
const std::array<const Strategy*, 6>& all_strategies() {
  static const std::array<const Strategy*, 6> kAll = {
      &detail::sma_crossover_strategy(), &detail::ema_crossover_strategy(), &detail::bollinger_strategy(),
      &detail::rsi_strategy(),           &detail::donchian_strategy(),      &detail::momentum_strategy(),
  };
  return kAll;
}

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
