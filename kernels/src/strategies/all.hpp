#pragma once
// The built-in strategies, one file each under strategies/; registry.cpp lists them.
#include "../target_ns.hpp"
#include "qg/kernels/strategy.hpp"

namespace qg::kernels {
inline namespace QG_KERNEL_TARGET_NS {
namespace detail {

//! Simple moving-average crossover (fast, slow).
const Strategy& sma_crossover_strategy();
//! Exponential moving-average crossover (fast, slow).
const Strategy& ema_crossover_strategy();
//! Bollinger-band mean reversion (window, k).
const Strategy& bollinger_strategy();
//! Wilder RSI thresholds (period, lower, upper).
const Strategy& rsi_strategy();
//! Donchian channel breakout (entry, exit).
const Strategy& donchian_strategy();
//! Time-series momentum (lookback).
const Strategy& momentum_strategy();

}  // namespace detail
}  // namespace QG_KERNEL_TARGET_NS
}  // namespace qg::kernels
