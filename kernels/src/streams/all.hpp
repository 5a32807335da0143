#pragma once
// The streaming twins of the built-in strategies, one file each under streams/;
// make_position_stream.cpp lists them. `set` is already checked for length.
#include <memory>
#include <span>

#include "qg/kernels/position_stream.hpp"

namespace qg::kernels::detail {

std::unique_ptr<PositionStream> sma_crossover_stream(std::span<const double> set, PositionMode mode);
std::unique_ptr<PositionStream> ema_crossover_stream(std::span<const double> set, PositionMode mode);
std::unique_ptr<PositionStream> bollinger_stream(std::span<const double> set, PositionMode mode);
std::unique_ptr<PositionStream> rsi_stream(std::span<const double> set, PositionMode mode);
std::unique_ptr<PositionStream> donchian_stream(std::span<const double> set, PositionMode mode);
std::unique_ptr<PositionStream> momentum_stream(std::span<const double> set, PositionMode mode);

//! Integer window parameter p of a set; KernelError naming `kind` when below 1.
int stream_window(std::span<const double> set, int p, const char* kind);

}  // namespace qg::kernels::detail
