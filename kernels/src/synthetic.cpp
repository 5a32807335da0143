// Synthetic bars: a log-price random walk with drift, two volatility regimes that switch as a
// Markov chain, and rare Poisson jumps that lean negative. Every random number comes from
// Philox keyed by the seed with counter (bar, symbol, stream), so a bar's draws do not depend
// on how many symbols or bars were asked for, or in what order they are generated.
#include "qg/kernels/synthetic.hpp"

#include <Random123/philox.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include "qg/core/error.hpp"

namespace qg::kernels {
namespace {

constexpr double kDt = 1.0 / 252.0;
constexpr double kDrift = 0.07;                       // annualised
constexpr std::array<double, 2> kVol = {0.12, 0.35};  // annualised, calm and turbulent regimes
constexpr double kToTurbulent = 0.01;                 // daily switching probabilities
constexpr double kToCalm = 0.04;
constexpr double kJumpProb = 3.0 / 252.0;  // about three jumps a year
constexpr double kJumpMean = -0.03, kJumpSd = 0.05;
constexpr double kBaseVolume = 1.0e6;

// Independent streams of one bar; each Philox call yields two doubles.
enum Stream : std::uint32_t { kShocks = 0, kEvents = 1, kJumpVolume = 2, kRange = 3, kStart = 4 };

//! Two uniforms in (0, 1) from the Philox block of (seed, symbol, bar, stream).
std::array<double, 2> uniforms(std::uint64_t seed, std::uint32_t symbol, std::int64_t bar, Stream stream) {
  using Rng = r123::Philox4x32;
  const auto b = static_cast<std::uint64_t>(bar);
  const Rng::ctr_type ctr = {{static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(b >> 32), symbol, stream}};
  const Rng::key_type key = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  const Rng::ctr_type out = Rng()(ctr, key);
  // 53 random bits per double, offset by half a step so 0 and 1 never occur.
  auto to_unit = [](std::uint32_t hi, std::uint32_t lo) {
    const std::uint64_t bits = (static_cast<std::uint64_t>(hi) << 21) ^ (lo >> 11);
    return (static_cast<double>(bits) + 0.5) * 0x1.0p-53;
  };
  return {to_unit(out.v[0], out.v[1]), to_unit(out.v[2], out.v[3])};
}

//! Two independent standard normals (Box-Muller).
std::array<double, 2> normals(std::uint64_t seed, std::uint32_t symbol, std::int64_t bar, Stream stream) {
  const auto [u1, u2] = uniforms(seed, symbol, bar, stream);
  const double radius = std::sqrt(-2.0 * std::log(u1));
  return {radius * std::cos(2.0 * std::numbers::pi * u2), radius * std::sin(2.0 * std::numbers::pi * u2)};
}

double to_cents(double x) { return std::max(0.01, std::round(x * 100.0) / 100.0); }

//! Fills bar t's open/high/low/volume around its close, given the previous close.
void shape_bar(SyntheticBars& out, std::size_t t, double prev_close, double gap_z, double volume_z, int regime,
               const std::array<double, 2>& range_u) {
  const double daily_vol = kVol[static_cast<std::size_t>(regime)] * std::sqrt(kDt);
  const double close = out.close[t];
  const double open = to_cents(prev_close * std::exp(0.25 * daily_vol * gap_z));
  const double top = std::max(open, close), bottom = std::min(open, close);
  // Exponential excursions beyond the body, about half a daily sigma on average.
  const double up = 0.5 * daily_vol * -std::log(range_u[0]);
  const double down = std::min(0.5, 0.5 * daily_vol * -std::log(range_u[1]));
  out.open[t] = open;
  out.high[t] = std::max(to_cents(top * (1.0 + up)), top);
  out.low[t] = std::min(to_cents(bottom * (1.0 - down)), bottom);
  out.volume[t] = std::round(kBaseVolume * (regime == 1 ? 1.8 : 1.0) * std::exp(0.4 * volume_z));
}

}  // namespace

SyntheticBars generate_bars(std::uint64_t seed, std::uint32_t symbol, std::int64_t n_bars) {
  if (n_bars < 0) throw KernelError("generate_bars: negative n_bars");
  const auto n = static_cast<std::size_t>(n_bars);
  SyntheticBars out;
  out.open.resize(n);
  out.high.resize(n);
  out.low.resize(n);
  out.close.resize(n);
  out.volume.resize(n);
  if (n == 0) return out;

  // ---- start: price in [50, 150), regime drawn from its long-run share ----
  const auto start = uniforms(seed, symbol, 0, kStart);
  double log_price = std::log(to_cents(50.0 + 100.0 * start[0]));
  int regime = start[1] < kToTurbulent / (kToTurbulent + kToCalm) ? 1 : 0;

  // ---- walk: the unrounded log price carries over, so cent rounding never accumulates ----
  for (std::size_t t = 0; t < n; ++t) {
    const auto bar = static_cast<std::int64_t>(t);
    const auto shocks = normals(seed, symbol, bar, kShocks);
    const auto jump_volume = normals(seed, symbol, bar, kJumpVolume);
    if (t > 0) {
      const auto events = uniforms(seed, symbol, bar, kEvents);
      regime = regime == 0 ? (events[0] < kToTurbulent ? 1 : 0) : (events[0] < kToCalm ? 0 : 1);
      const double vol = kVol[static_cast<std::size_t>(regime)];
      const double jump = events[1] < kJumpProb ? kJumpMean + kJumpSd * jump_volume[0] : 0.0;
      log_price += (kDrift - 0.5 * vol * vol) * kDt + vol * std::sqrt(kDt) * shocks[0] + jump;
    }
    out.close[t] = to_cents(std::exp(log_price));
    const double prev_close = t > 0 ? out.close[t - 1] : out.close[t];
    shape_bar(out, t, prev_close, shocks[1], jump_volume[1], regime, uniforms(seed, symbol, bar, kRange));
  }
  return out;
}

}  // namespace qg::kernels
