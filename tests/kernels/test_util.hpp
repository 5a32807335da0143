#pragma once
// Series and parameter generators shared by the kernel tests.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "qg/kernels/series.hpp"
#include "qg/kernels/strategy.hpp"
#include "qg/kernels/synthetic.hpp"

namespace qg::kernels::testing {

//! A series from closes only (high = low = close).
inline PreparedSeries close_only(const std::vector<double>& close) {
  return PreparedSeries(BarsView{close, close, close});
}

//! A series from explicit high/low/close.
inline PreparedSeries from_hlc(const std::vector<double>& high, const std::vector<double>& low,
                               const std::vector<double>& close) {
  return PreparedSeries(BarsView{high, low, close});
}

//! Continuous random walk with OHLC noise: ties are practically absent.
inline PreparedSeries random_walk(std::uint32_t seed, int n) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z(0.0, 0.015);
  std::uniform_real_distribution<double> u(0.0, 0.01);
  std::vector<double> c(static_cast<std::size_t>(n)), h(c.size()), l(c.size());
  double price = 100.0;
  for (std::size_t t = 0; t < c.size(); ++t) {
    price *= std::exp(z(rng));
    c[t] = price;
    h[t] = price * (1.0 + u(rng));
    l[t] = price * (1.0 - u(rng));
  }
  return from_hlc(h, l, c);
}

//! Cent prices around 20.00 that move by -1, 0 or +1 cent: equal averages and equal closes
//! are everywhere, which exercises the tie tolerance.
inline PreparedSeries tick_walk(std::uint32_t seed, int n) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> step(-1, 1), wick(0, 2);
  std::vector<double> c(static_cast<std::size_t>(n)), h(c.size()), l(c.size());
  int cents = 2000;
  for (std::size_t t = 0; t < c.size(); ++t) {
    cents += step(rng);
    c[t] = cents / 100.0;
    h[t] = (cents + wick(rng)) / 100.0;
    l[t] = (cents - wick(rng)) / 100.0;
  }
  return from_hlc(h, l, c);
}

//! A random walk with rare spikes (+120%) and crashes (-55%), so short and long-short paths
//! are ruined at scattered bars while many are not.
inline PreparedSeries spiky_walk(std::uint32_t seed, int n) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z(0.0, 0.02);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> c(static_cast<std::size_t>(n));
  double price = 100.0;
  for (double& v : c) {
    const double x = u(rng);
    price *= x < 0.01 ? 2.2 : x < 0.02 ? 0.45 : std::exp(z(rng));
    v = price;
  }
  return close_only(c);
}

//! Synthetic OHLC bars of one symbol.
inline PreparedSeries synthetic(std::uint64_t seed, std::uint32_t symbol, int n) {
  const SyntheticBars b = generate_bars(seed, symbol, n);
  return from_hlc(b.high, b.low, b.close);
}

//! `n_sets` random parameter sets (set-major) for a strategy: integer windows drawn from
//! [min, max_window], reals from their full range; sets the strategy rejects are redrawn.
inline std::vector<double> random_sets(const Strategy& s, int n_sets, int max_window, std::uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<double> out;
  while (static_cast<int>(out.size()) < n_sets * static_cast<int>(s.params().size())) {
    std::vector<double> set;
    for (const ParamDef& p : s.params()) {
      if (p.integer) {
        std::uniform_int_distribution<int> d(static_cast<int>(p.min), max_window);
        set.push_back(d(rng));
      } else {
        std::uniform_real_distribution<double> d(p.min, p.max);
        set.push_back(d(rng));
      }
    }
    if (s.invalid_reason(set).empty()) out.insert(out.end(), set.begin(), set.end());
  }
  return out;
}

//! Checks positions() against positions_ref() for every set, and the long_flat invariant.
inline void expect_fast_equals_ref(const Strategy& s, const PreparedSeries& series, const std::vector<double>& sets,
                                   PositionMode mode) {
  const int n_params = static_cast<int>(s.params().size());
  const int n_sets = static_cast<int>(sets.size()) / n_params;
  const auto n = static_cast<std::size_t>(series.size());
  std::vector<std::int8_t> pos(n * static_cast<std::size_t>(n_sets), 7);
  s.positions(series, sets.data(), n_sets, mode, pos.data());
  for (int j = 0; j < n_sets; ++j) {
    const std::span<const double> set(sets.data() + j * n_params, static_cast<std::size_t>(n_params));
    const std::vector<std::int8_t> ref = s.positions_ref(series, set, mode);
    ASSERT_EQ(ref.size(), n);
    int mismatches = 0;
    for (std::size_t t = 0; t < n; ++t) {
      const std::int8_t fast = pos[t * static_cast<std::size_t>(n_sets) + static_cast<std::size_t>(j)];
      if (fast != ref[t] && ++mismatches <= 3) {
        ADD_FAILURE() << s.kind() << " set " << j << " (first param " << set[0] << ") t=" << t << " fast=" << int{fast}
                      << " ref=" << int{ref[t]};
      }
      if (mode == PositionMode::kLongFlat) {
        EXPECT_GE(fast, 0);
      }
    }
  }
}

//! fast == ref on continuous, tick-tie and synthetic series, both modes, odd block sizes.
inline void expect_fast_equals_ref_everywhere(const Strategy& s, int max_window) {
  for (PositionMode mode : {PositionMode::kLongFlat, PositionMode::kLongShort}) {
    expect_fast_equals_ref(s, random_walk(1, 400), random_sets(s, 37, max_window, 11), mode);
    expect_fast_equals_ref(s, tick_walk(2, 500), random_sets(s, 64, max_window, 12), mode);
    expect_fast_equals_ref(s, synthetic(3, 5, 600), random_sets(s, 21, max_window, 13), mode);
    expect_fast_equals_ref(s, tick_walk(4, 30), random_sets(s, 9, 40, 14), mode);  // windows beyond the series
  }
}

//! positions_ref of a single set, as ints for readable failure messages.
inline std::vector<int> ref_positions(const Strategy& s, const PreparedSeries& series, std::vector<double> set,
                                      PositionMode mode) {
  const std::vector<std::int8_t> p = s.positions_ref(series, set, mode);
  return {p.begin(), p.end()};
}

//! positions() of a single set, as ints.
inline std::vector<int> fast_positions(const Strategy& s, const PreparedSeries& series, std::vector<double> set,
                                       PositionMode mode) {
  std::vector<std::int8_t> p(static_cast<std::size_t>(series.size()));
  s.positions(series, set.data(), 1, mode, p.data());
  return {p.begin(), p.end()};
}

//! Random time-major position paths that persist with probability 0.85 per bar, so round trips
//! of several bars, flips and flat stretches all occur.
inline std::vector<std::int8_t> random_paths(std::int64_t n_bars, int n_sets, std::uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> value(-1, 1);
  std::bernoulli_distribution change(0.15);
  std::vector<std::int8_t> pos(static_cast<std::size_t>(n_bars * n_sets));
  for (int j = 0; j < n_sets; ++j) {
    int p = 0;
    for (std::int64_t t = 0; t < n_bars; ++t) {
      if (change(rng)) p = value(rng);
      pos[static_cast<std::size_t>(t * n_sets + j)] = static_cast<std::int8_t>(p);
    }
  }
  return pos;
}

}  // namespace qg::kernels::testing
