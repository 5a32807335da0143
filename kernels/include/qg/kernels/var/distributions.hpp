#pragma once
// Scalar distribution functions for VaR: the standard normal, Student's t with an integer
// number of degrees of freedom (closed-form CDF, Abramowitz & Stegun 26.7.3-4), chi-square
// tail probabilities for 1 and 2 degrees of freedom, and the binomial CDF.
#include <cstdint>

namespace qg::kernels::var {

//! Standard normal density.
double norm_pdf(double x);
//! Standard normal CDF, via erfc (accurate in both tails).
double norm_cdf(double x);
//! Inverse of norm_cdf for p in (0, 1): bisection then Newton steps, to about 1e-15.
double norm_quantile(double p);

//! Density of Student's t with nu > 0 degrees of freedom (unit scale).
double t_pdf(double x, int nu);
//! CDF of Student's t with integer nu >= 1 (closed form).
double t_cdf(double x, int nu);
//! Inverse of t_cdf for p in (0, 1).
double t_quantile(double p, int nu);

//! P(X > x) for X ~ chi-square with `df` = 1 or 2 degrees of freedom (the VaR backtests').
double chi2_sf(double x, int df);

//! P(X <= k) for X ~ Binomial(n, p).
double binomial_cdf(std::int64_t k, std::int64_t n, double p);

}  // namespace qg::kernels::var
