// Normal, Student t, chi-square and binomial functions. The quantiles, the Student t and
// binomial CDFs and the chi-square tail are Boost.Math's (boost/math/distributions); the normal
// density and CDF stay the one-line closed forms (Black-Scholes calls them per scenario).
#include "qg/kernels/var/distributions.hpp"

#include <cmath>
#include <numbers>
#include <string>

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include "qg/core/error.hpp"

namespace qg::kernels::var {
namespace {

void check_p(double p) {
  if (!(p > 0.0 && p < 1.0)) throw KernelError("probability must be in (0, 1), got " + std::to_string(p));
}

void check_nu(int nu) {
  if (nu < 1) throw KernelError("degrees of freedom must be >= 1, got " + std::to_string(nu));
}

}  // namespace

double norm_pdf(double x) { return std::exp(-0.5 * x * x) * (0.5 * std::numbers::inv_sqrtpi * std::numbers::sqrt2); }

double norm_cdf(double x) { return 0.5 * std::erfc(-x * (0.5 * std::numbers::sqrt2)); }

double norm_quantile(double p) {
  check_p(p);
  return boost::math::quantile(boost::math::normal_distribution<double>(), p);
}

double t_pdf(double x, int nu) {
  check_nu(nu);
  return boost::math::pdf(boost::math::students_t_distribution<double>(nu), x);
}

double t_cdf(double x, int nu) {
  check_nu(nu);
  return boost::math::cdf(boost::math::students_t_distribution<double>(nu), x);
}

double t_quantile(double p, int nu) {
  check_p(p);
  check_nu(nu);
  return boost::math::quantile(boost::math::students_t_distribution<double>(nu), p);
}

double chi2_sf(double x, int df) {
  if (df < 1) throw KernelError("chi2_sf: degrees of freedom must be >= 1, got " + std::to_string(df));
  if (x <= 0) return 1.0;
  return boost::math::cdf(boost::math::complement(boost::math::chi_squared_distribution<double>(df), x));
}

double binomial_cdf(std::int64_t k, std::int64_t n, double p) {
  if (k < 0) return 0.0;
  if (k >= n) return 1.0;
  return boost::math::cdf(boost::math::binomial_distribution<double>(static_cast<double>(n), p),
                          static_cast<double>(k));
}

}  // namespace qg::kernels::var
