// PSR and DSR (Bailey & Lopez de Prado 2014) and the moments they need.
#include <cmath>
#include <limits>

#include "qg/kernels/overfitting.hpp"
#include "qg/kernels/var/distributions.hpp"

namespace qg::kernels {

ReturnMoments return_moments(std::span<const double> returns) {
  ReturnMoments out;
  const auto n = static_cast<double>(returns.size());
  if (returns.size() < 2) return out;
  double mean = 0;
  for (double r : returns) mean += r;
  mean /= n;
  double m2 = 0, m3 = 0, m4 = 0;
  for (double r : returns) {
    const double d = r - mean, d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  if (m2 == 0) return out;
  const double sd = std::sqrt(m2 / (n - 1));
  m2 /= n, m3 /= n, m4 /= n;
  out.sharpe = mean / sd;
  out.skewness = m3 / std::pow(m2, 1.5);
  out.kurtosis = m4 / (m2 * m2);
  return out;
}

double expected_max_sharpe(double variance, double n_trials) {
  if (!(n_trials > 1) || !(variance > 0)) return 0.0;
  const double a = var::norm_quantile(1.0 - 1.0 / n_trials);
  const double b = var::norm_quantile(1.0 - 1.0 / (n_trials * std::exp(1.0)));
  return std::sqrt(variance) * ((1.0 - kEulerGamma) * a + kEulerGamma * b);
}

double probabilistic_sharpe(double sharpe, double benchmark, double n_obs, double skewness, double kurtosis) {
  const double denominator = 1.0 - skewness * sharpe + (kurtosis - 1.0) / 4.0 * sharpe * sharpe;
  if (!(denominator > 0) || !(n_obs > 1)) return std::numeric_limits<double>::quiet_NaN();
  return var::norm_cdf((sharpe - benchmark) * std::sqrt(n_obs - 1.0) / std::sqrt(denominator));
}

}  // namespace qg::kernels
