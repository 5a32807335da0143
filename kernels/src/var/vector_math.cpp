// The vectorised inner loops of Monte Carlo VaR: Box-Muller over the uniforms of Philox
// (philox.cpp) and Black-Scholes over a block of spots.
//
// This file alone is compiled with -ffast-math: glibc then exposes its vector math library
// (libmvec: log, sin, cos, exp, erfc over 8 doubles at a time), which GCC uses for these
// loops. Results stay deterministic (the same binary computes the same bits for the same
// inputs, whatever the threads or ranks); they differ from the scalar references in the last
// bits only, which the tests bound.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "qg/kernels/var/black_scholes.hpp"
#include "philox.hpp"
#include "qg/kernels/var/normals.hpp"

namespace qg::kernels::var {
namespace {

//! Counters per pass: the four word arrays stay in L1.
constexpr std::size_t kChunk = 1024;

//! Box-Muller over n uniform pairs (u1, u2), in place: u1 becomes the radius
//! sqrt(-2 ln u1) and u2 the angle 2 pi u2; z[i] = radius cos(angle), z[n + i] = radius
//! sin(angle). The loops are separate on purpose: each vectorises through libmvec, and GCC
//! would fuse one loop's cos and sin into a scalar sincos call and lose the vector versions.
void box_muller(double* u1, double* u2, std::size_t n, double* z) {
  for (std::size_t i = 0; i < n; ++i) u1[i] = std::sqrt(-2.0 * std::log(u1[i]));
  for (std::size_t i = 0; i < n; ++i) u2[i] = 2.0 * std::numbers::pi * u2[i];
  double* zc = z;
  double* zs = z + n;
  for (std::size_t i = 0; i < n; ++i) zc[i] = u1[i] * std::cos(u2[i]);
  for (std::size_t i = 0; i < n; ++i) zs[i] = u1[i] * std::sin(u2[i]);
}

//! One row of `cols` normals from its cos and sin halves: row[2j] = zc[j], row[2j + 1] = zs[j]
//! (an odd width ends with a cos). Without the branch, GCC vectorises the interleaving stores.
void interleave(const double* zc, const double* zs, std::size_t cols, double* row) {
  const std::size_t full = cols / 2;
  for (std::size_t j = 0; j < full; ++j) {
    row[2 * j] = zc[j];
    row[2 * j + 1] = zs[j];
  }
  if (cols % 2 != 0) row[cols - 1] = zc[full];
}

}  // namespace

void fill_normals(const StreamKey& key, std::uint64_t first_row, std::size_t rows, std::size_t cols, double* out,
                  NormalScratch& s) {
  const std::size_t pairs = (cols + 1) / 2;
  if (rows == 0 || pairs == 0) return;
  const auto k0 = static_cast<std::uint32_t>(key.seed), k1 = static_cast<std::uint32_t>(key.seed >> 32);
  const auto c2v = static_cast<std::uint32_t>(key.batch);
  const std::uint32_t c3v = static_cast<std::uint32_t>(((key.batch >> 32) & 0xFFFFu) << 16) | key.stream;
  // Whole rows per pass (at least one), so a pass scatters complete rows.
  const std::size_t rows_per_pass = std::max<std::size_t>(1, kChunk / pairs);
  const std::size_t cap = rows_per_pass * pairs;
  s.c0.resize(cap), s.c1.resize(cap), s.c2.resize(cap), s.c3.resize(cap), s.z.resize(4 * cap);
  for (std::size_t r0 = 0; r0 < rows; r0 += rows_per_pass) {
    const std::size_t nr = std::min(rows_per_pass, rows - r0);
    const std::size_t n = nr * pairs;
    for (std::size_t r = 0; r < nr; ++r) {
      const auto row = static_cast<std::uint32_t>(first_row + r0 + r);
      for (std::size_t j = 0; j < pairs; ++j) {
        s.c0[r * pairs + j] = static_cast<std::uint32_t>(j);
        s.c1[r * pairs + j] = row;
      }
    }
    std::fill_n(s.c2.begin(), n, c2v);
    std::fill_n(s.c3.begin(), n, c3v);
    philox_rounds(s.c0.data(), s.c1.data(), s.c2.data(), s.c3.data(), n, k0, k1);
    // z: [0, 2n) the uniforms u1, u2 (then radius and angle), [2n, 3n) the cos halves and
    // [3n, 4n) the sin halves.
    double* u1 = s.z.data();
    double* u2 = u1 + n;
    philox_uniforms(s.c0.data(), s.c1.data(), n, u1);
    philox_uniforms(s.c2.data(), s.c3.data(), n, u2);
    double* zc = s.z.data() + 2 * n;
    box_muller(u1, u2, n, zc);
    const double* zs = zc + n;
    for (std::size_t r = 0; r < nr; ++r) interleave(zc + r * pairs, zs + r * pairs, cols, out + (r0 + r) * cols);
  }
}

void bs_price_block(OptionType type, const double* spots, std::size_t n, double k, double t, double r, double sigma,
                    double* out) {
  if (t <= 0) {
    for (std::size_t i = 0; i < n; ++i) out[i] = bs_price(type, spots[i], k, t, r, sigma);
    return;
  }
  const double df = std::exp(-r * t), vol = sigma * std::sqrt(t), drift = (r + 0.5 * sigma * sigma) * t;
  const double kdf = k * df, inv_vol = 1.0 / vol, half_sqrt2 = 0.5 * std::numbers::sqrt2;
  // call: s N(d1) - k df N(d2); put: k df N(-d2) - s N(-d1) = -(s N(-d1) - k df N(-d2)).
  const double sign = type == OptionType::kCall ? 1.0 : -1.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double s = std::max(spots[i], 1e-300);  // a shock below -100% leaves a worthless underlying
    const double d1 = (std::log(s / k) + drift) * inv_vol, d2 = d1 - vol;
    const double n1 = 0.5 * std::erfc(-sign * d1 * half_sqrt2), n2 = 0.5 * std::erfc(-sign * d2 * half_sqrt2);
    out[i] = sign * (s * n1 - kdf * n2);
  }
}

}  // namespace qg::kernels::var
