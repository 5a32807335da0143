#pragma once
// Delta-normal (parametric) VaR and ES: the book's P&L is taken linear in the shocks,
// P&L = d . y with d the delta exposure per asset, and y ~ mean + (normal or variance-matched
// Student t) with covariance C. Then loss = -(d . mean) + sigma_p X with sigma_p = sqrt(d'Cd):
//   normal:    VaR = -m + sigma_p z_a,            ES = -m + sigma_p phi(z_a) / (1 - a)
//   Student t: VaR = -m + sigma_p s t_a,          ES = -m + sigma_p s f(t_a) (nu + t_a^2) / ((nu - 1)(1 - a))
// with s = sqrt((nu - 2) / nu), t_a the t quantile and f its density.
#include <Eigen/Core>

#include <vector>

namespace qg::kernels::var {

//! VaR and ES multipliers of a unit-variance loss: VaR = -m + sigma k_var, ES = -m + sigma k_es.
struct Multipliers {
  double k_var = 0;
  double k_es = 0;
};

//! Multipliers of the standard normal at level a.
Multipliers normal_multipliers(double a);
//! Multipliers of the variance-matched Student t (nu > 2) at level a.
Multipliers t_multipliers(double a, int nu);

//! Parametric figures of a book and of each position.
struct ParametricBreakdown {
  double var = 0, es = 0;
  std::vector<double> component_var, component_es;  // Euler: sum to var, es
  std::vector<double> incremental_var;              // var - var of the book without the position
};

//! Delta-normal VaR/ES with Euler components. Position i has delta exposure position_delta[i]
//! on asset position_asset[i]; cov and mean are the horizon covariance and mean of the shocks.
ParametricBreakdown parametric_breakdown(const Eigen::MatrixXd& cov, const Eigen::VectorXd& mean,
                                         const std::vector<std::size_t>& position_asset,
                                         const std::vector<double>& position_delta, Multipliers m);

}  // namespace qg::kernels::var
