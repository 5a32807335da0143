// Closed-form (delta-normal) VaR and ES with Euler and incremental allocation.
#include "qg/kernels/var/parametric.hpp"

#include <cmath>

#include "qg/core/error.hpp"
#include "qg/kernels/var/distributions.hpp"

namespace qg::kernels::var {

Multipliers normal_multipliers(double a) {
  const double z = norm_quantile(a);
  return {z, norm_pdf(z) / (1 - a)};
}

Multipliers t_multipliers(double a, int nu) {
  if (nu <= 2) throw KernelError("variance-matched Student t needs nu > 2");
  const double s = std::sqrt((nu - 2.0) / nu);
  const double t = t_quantile(a, nu);
  return {s * t, s * t_pdf(t, nu) * (nu + t * t) / ((nu - 1.0) * (1 - a))};
}

ParametricBreakdown parametric_breakdown(const Eigen::MatrixXd& cov, const Eigen::VectorXd& mean,
                                         const std::vector<std::size_t>& position_asset,
                                         const std::vector<double>& position_delta, Multipliers m) {
  const std::size_t p = position_asset.size();
  Eigen::VectorXd d = Eigen::VectorXd::Zero(cov.rows());
  for (std::size_t i = 0; i < p; ++i) d(static_cast<Eigen::Index>(position_asset[i])) += position_delta[i];
  const Eigen::VectorXd cd = cov * d;
  const double sigma = std::sqrt(std::max(0.0, d.dot(cd)));
  ParametricBreakdown out;
  out.var = -mean.dot(d) + sigma * m.k_var;
  out.es = -mean.dot(d) + sigma * m.k_es;
  for (std::size_t i = 0; i < p; ++i) {
    const auto a = static_cast<Eigen::Index>(position_asset[i]);
    const double di = position_delta[i];
    const double beta = sigma > 0 ? di * cd(a) / sigma : 0.0;  // d sigma_p / d (position scale)
    out.component_var.push_back(-mean(a) * di + beta * m.k_var);
    out.component_es.push_back(-mean(a) * di + beta * m.k_es);
    // Without the position: d' = d - di e_a, so d'Cd' = d'Cd - 2 di (Cd)_a + di^2 C_aa.
    const double var_without = d.dot(cd) - 2 * di * cd(a) + di * di * cov(a, a);
    const double sigma_without = std::sqrt(std::max(0.0, var_without));
    out.incremental_var.push_back(out.var - (-(mean.dot(d) - mean(a) * di) + sigma_without * m.k_var));
  }
  return out;
}

}  // namespace qg::kernels::var
