#pragma once
// Deterministic synthetic market data for tests, demos and scale runs.
#include <cstdint>
#include <vector>

namespace qg::kernels {

//! One synthetic symbol's daily OHLCV bars.
struct SyntheticBars {
  std::vector<double> open, high, low, close, volume;
};

//! Geometric Brownian motion with two volatility regimes (Markov switching) and Poisson
//! jumps, from Philox keyed by (seed, symbol). Symbol i's path depends only on (seed, i,
//! n_bars), so generating 10 or 100 symbols gives the same first 10. Prices are rounded to
//! cents and stay positive; high >= max(open, close) and low <= min(open, close).
SyntheticBars generate_bars(std::uint64_t seed, std::uint32_t symbol, std::int64_t n_bars);

}  // namespace qg::kernels
