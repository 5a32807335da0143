// The stream registry: one line per strategy kind, beside the batch registry (registry.cpp).
#include <array>
#include <string>
#include <string_view>

#include "../strategies/common.hpp"
#include "all.hpp"
#include "qg/core/error.hpp"

namespace qg::kernels {
namespace {

using Factory = std::unique_ptr<PositionStream> (*)(std::span<const double>, PositionMode);

struct StreamKind {
  std::string_view kind;
  Factory make;
};

constexpr std::array<StreamKind, 6> kStreams = {{
    {"sma_crossover", &detail::sma_crossover_stream},
    {"ema_crossover", &detail::ema_crossover_stream},
    {"bollinger", &detail::bollinger_stream},
    {"rsi", &detail::rsi_stream},
    {"donchian", &detail::donchian_stream},
    {"momentum", &detail::momentum_stream},
}};

}  // namespace

std::unique_ptr<PositionStream> make_position_stream(const Strategy& strategy, std::span<const double> set,
                                                     PositionMode mode) {
  if (set.size() != strategy.params().size())
    throw KernelError(std::string(strategy.kind()) + " stream: expected " + std::to_string(strategy.params().size()) +
                      " parameters, got " + std::to_string(set.size()));
  for (const StreamKind& s : kStreams)
    if (s.kind == strategy.kind()) return s.make(set, mode);
  throw KernelError("no position stream for strategy '" + std::string(strategy.kind()) + "'");
}

namespace detail {

int stream_window(std::span<const double> set, int p, const char* kind) {
  const int w = window_param(set, p);
  if (w < 1) throw KernelError(std::string(kind) + " stream: window below 1");
  return w;
}

}  // namespace detail
}  // namespace qg::kernels
