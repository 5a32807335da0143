// The vectorised Black-Scholes of Monte Carlo VaR's option revaluation.
//
// This file alone is compiled with -ffast-math: glibc then exposes its vector math library
// (libmvec: log, exp, erfc over 4 doubles at a time), which GCC uses for the loop below. Results
// stay deterministic (the same binary computes the same bits for the same inputs, whatever the
// threads or ranks); they differ from the scalar bs_price in the last bits only, which the tests
// bound.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "qg/kernels/var/black_scholes.hpp"

namespace qg::kernels::var {

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
