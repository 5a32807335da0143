// Normal, Student t (integer degrees of freedom), chi-square (1 and 2 df) and binomial
// functions. Quantiles invert the CDFs numerically; they are called a handful of times per
// job, never per scenario.
#include "qg/kernels/var/distributions.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "qg/core/error.hpp"

namespace qg::kernels::var {
namespace {

void check_p(double p) {
  if (!(p > 0.0 && p < 1.0)) throw KernelError("probability must be in (0, 1), got " + std::to_string(p));
}

void check_nu(int nu) {
  if (nu < 1) throw KernelError("degrees of freedom must be >= 1, got " + std::to_string(nu));
}

//! Inverts an increasing CDF: bisection to bracket tightly, then Newton with the density.
template <class Cdf, class Pdf>
double invert(double p, double lo, double hi, Cdf cdf, Pdf pdf) {
  while (cdf(lo) > p) lo *= 2;
  while (cdf(hi) < p) hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-12 * std::max(1.0, std::fabs(lo)); ++i) {
    const double mid = 0.5 * (lo + hi);
    (cdf(mid) < p ? lo : hi) = mid;
  }
  double x = 0.5 * (lo + hi);
  for (int i = 0; i < 3; ++i) {
    const double d = pdf(x);
    if (d <= 0) break;
    const double step = (cdf(x) - p) / d;
    if (!std::isfinite(step)) break;
    x -= step;
  }
  return x;
}

}  // namespace

double norm_pdf(double x) { return std::exp(-0.5 * x * x) * (0.5 * std::numbers::inv_sqrtpi * std::numbers::sqrt2); }

double norm_cdf(double x) { return 0.5 * std::erfc(-x * (0.5 * std::numbers::sqrt2)); }

double norm_quantile(double p) {
  check_p(p);
  return invert(p, -1.0, 1.0, norm_cdf, norm_pdf);
}

double t_pdf(double x, int nu) {
  check_nu(nu);
  const double v = nu;
  const double log_c = std::lgamma((v + 1) / 2) - std::lgamma(v / 2) - 0.5 * std::log(v * std::numbers::pi);
  return std::exp(log_c - (v + 1) / 2 * std::log1p(x * x / v));
}

// A(t|nu) = P(|T| <= t) by A&S 26.7.3 (odd nu) and 26.7.4 (even nu), theta = atan(t / sqrt(nu)).
double t_cdf(double x, int nu) {
  check_nu(nu);
  const double t = std::fabs(x);
  const double theta = std::atan(t / std::sqrt(static_cast<double>(nu)));
  const double s = std::sin(theta), c = std::cos(theta), c2 = c * c;
  double a = 0;
  if (nu % 2 == 1) {
    double sum = 0, term = c;  // c + (2/3)c^3 + (2*4)/(3*5)c^5 + ... up to c^(nu-2)
    for (int k = 1; k <= nu - 2; k += 2) {
      sum += term;
      term *= c2 * (k + 1) / (k + 2);
    }
    a = (2.0 / std::numbers::pi) * (theta + (nu > 1 ? s * sum : 0.0));
  } else {
    double sum = 0, term = 1;  // 1 + (1/2)c^2 + (1*3)/(2*4)c^4 + ... up to c^(nu-2)
    for (int k = 0; k <= nu - 2; k += 2) {
      sum += term;
      term *= c2 * (k + 1) / (k + 2);
    }
    a = s * sum;
  }
  // Rounding can push a a hair outside [0, 1]; far tails (p < 1e-12) lose digits to 1 - a,
  // which VaR levels up to 0.9999 never reach.
  a = std::clamp(a, 0.0, 1.0);
  return x >= 0 ? 0.5 * (1 + a) : 0.5 * (1 - a);
}

double t_quantile(double p, int nu) {
  check_p(p);
  check_nu(nu);
  if (p == 0.5) return 0.0;
  if (p < 0.5) return -t_quantile(1 - p, nu);  // symmetric; the upper tail keeps more digits here
  return invert(
      p, 0.0, 2.0, [nu](double x) { return t_cdf(x, nu); }, [nu](double x) { return t_pdf(x, nu); });
}

double chi2_sf(double x, int df) {
  if (x <= 0) return 1.0;
  if (df == 1) return std::erfc(std::sqrt(x / 2));
  if (df == 2) return std::exp(-x / 2);
  throw KernelError("chi2_sf: only 1 or 2 degrees of freedom, got " + std::to_string(df));
}

double binomial_cdf(std::int64_t k, std::int64_t n, double p) {
  if (k < 0) return 0.0;
  if (k >= n) return 1.0;
  const double lp = std::log(p), lq = std::log1p(-p);
  double sum = 0;
  for (std::int64_t i = 0; i <= k; ++i) {
    const double di = static_cast<double>(i), dn = static_cast<double>(n);
    const double log_term =
        std::lgamma(dn + 1) - std::lgamma(di + 1) - std::lgamma(dn - di + 1) + di * lp + (dn - di) * lq;
    sum += std::exp(log_term);
  }
  return std::min(1.0, sum);
}

}  // namespace qg::kernels::var
