// Kupiec, Christoffersen and the Basel traffic light (formulas in coverage.hpp).
#include "qg/kernels/var/coverage.hpp"

#include <algorithm>
#include <cmath>

#include "qg/kernels/var/distributions.hpp"

namespace qg::kernels::var {
namespace {

//! k ln(q) with 0 ln 0 = 0.
double xlogy(double k, double q) { return k == 0 ? 0.0 : k * std::log(q); }

//! Log-likelihood of k1 ones and k0 zeros of a Bernoulli(q).
double bernoulli_ll(double k0, double k1, double q) { return xlogy(k0, 1 - q) + xlogy(k1, q); }

}  // namespace

CoverageTest coverage_test(std::span<const std::uint8_t> exceptions, double a) {
  CoverageTest t;
  t.n = static_cast<std::int64_t>(exceptions.size());
  for (std::size_t i = 0; i < exceptions.size(); ++i) {
    t.exceptions += exceptions[i];
    if (i == 0) continue;
    const int from = exceptions[i - 1], to = exceptions[i];
    (from ? (to ? t.n11 : t.n10) : (to ? t.n01 : t.n00)) += 1;
  }
  if (t.n == 0) return t;
  const double p = 1 - a, n = static_cast<double>(t.n), x = static_cast<double>(t.exceptions);
  t.lr_pof = -2 * (bernoulli_ll(n - x, x, p) - bernoulli_ll(n - x, x, x / n));
  t.p_pof = chi2_sf(t.lr_pof, 1);
  const double n00 = static_cast<double>(t.n00), n01 = static_cast<double>(t.n01);
  const double n10 = static_cast<double>(t.n10), n11 = static_cast<double>(t.n11);
  const double pi01 = n00 + n01 > 0 ? n01 / (n00 + n01) : 0.0;
  const double pi11 = n10 + n11 > 0 ? n11 / (n10 + n11) : 0.0;
  const double transitions = n00 + n01 + n10 + n11;
  const double pi = transitions > 0 ? (n01 + n11) / transitions : 0.0;
  t.lr_ind =
      -2 * (bernoulli_ll(n00 + n10, n01 + n11, pi) - bernoulli_ll(n00, n01, pi01) - bernoulli_ll(n10, n11, pi11));
  t.lr_ind = std::max(0.0, t.lr_ind);  // rounding can leave -1e-16 when the states are independent
  t.p_ind = chi2_sf(t.lr_ind, 1);
  t.lr_cc = t.lr_pof + t.lr_ind;
  t.p_cc = chi2_sf(t.lr_cc, 2);
  t.zone = traffic_light(t.exceptions, t.n, a);
  return t;
}

Zone traffic_light(std::int64_t x, std::int64_t n, double a) {
  const double cdf = binomial_cdf(x, n, 1 - a);
  if (cdf < 0.95) return Zone::kGreen;
  if (cdf < 0.9999) return Zone::kYellow;
  return Zone::kRed;
}

const char* zone_name(Zone zone) {
  switch (zone) {
    case Zone::kGreen:
      return "green";
    case Zone::kYellow:
      return "yellow";
    default:
      return "red";
  }
}

}  // namespace qg::kernels::var
