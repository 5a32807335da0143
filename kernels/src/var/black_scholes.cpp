// Scalar Black-Scholes: the reference for the vectorised block pricer, and the pricer of
// stress scenarios, historical scenarios and today's option values.
#include "qg/kernels/var/black_scholes.hpp"

#include <algorithm>
#include <cmath>

#include "qg/kernels/var/distributions.hpp"

namespace qg::kernels::var {

double bs_price(OptionType type, double s, double k, double t, double r, double sigma) {
  const bool call = type == OptionType::kCall;
  if (t <= 0) return call ? std::max(s - k, 0.0) : std::max(k - std::max(s, 0.0), 0.0);
  const double df = std::exp(-r * t);
  if (s <= 0) return call ? 0.0 : k * df;
  const double vol = sigma * std::sqrt(t);
  const double d1 = (std::log(s / k) + (r + 0.5 * sigma * sigma) * t) / vol;
  const double d2 = d1 - vol;
  return call ? s * norm_cdf(d1) - k * df * norm_cdf(d2) : k * df * norm_cdf(-d2) - s * norm_cdf(-d1);
}

double bs_delta(OptionType type, double s, double k, double t, double r, double sigma) {
  const bool call = type == OptionType::kCall;
  if (t <= 0 || s <= 0) return call ? (s > k ? 1.0 : 0.0) : (s < k ? -1.0 : 0.0);
  const double d1 = (std::log(s / k) + (r + 0.5 * sigma * sigma) * t) / (sigma * std::sqrt(t));
  return call ? norm_cdf(d1) : norm_cdf(d1) - 1.0;
}

}  // namespace qg::kernels::var
