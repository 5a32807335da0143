#pragma once
// Scalar distribution functions for VaR: the standard normal, Student's t with an integer
// number of degrees of freedom, chi-square tail probabilities and the binomial CDF; all but the
// normal density and CDF from Boost.Math.
#include <cstdint>

namespace qg::kernels::var {

//! Standard normal density.
double norm_pdf(double x);
//! Standard normal CDF, via erfc (accurate in both tails).
double norm_cdf(double x);
//! Inverse of the standard normal CDF for p in (0, 1) (Boost.Math, via erfc_inv).
double norm_quantile(double p);

//! Density of Student's t with nu > 0 degrees of freedom (unit scale).
double t_pdf(double x, int nu);
//! CDF of Student's t with integer nu >= 1.
double t_cdf(double x, int nu);
//! Inverse of t_cdf for p in (0, 1).
double t_quantile(double p, int nu);

//! P(X > x) for X ~ chi-square with `df` >= 1 degrees of freedom (the VaR backtests use 1 and 2).
double chi2_sf(double x, int df);

//! P(X <= k) for X ~ Binomial(n, p).
double binomial_cdf(std::int64_t k, std::int64_t n, double p);

}  // namespace qg::kernels::var
