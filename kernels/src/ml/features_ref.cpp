// Plain-loop reference of the feature catalogue (features.hpp): each window summed afresh,
// moments in two passes about the window mean. Never optimized.
#include <cmath>
#include <limits>

#include "feature_helpers.hpp"
#include "qg/core/error.hpp"
#include "qg/kernels/ml/features.hpp"

namespace qg::kernels::ml {
namespace {

//! Mean and central moments m2, m3 (divided by n) of v[t-w+1..t].
struct Moments {
  double mean = 0, m2 = 0, m3 = 0;
};

Moments window_moments(const std::vector<double>& v, std::int64_t t, int w) {
  Moments m;
  for (std::int64_t i = t - w + 1; i <= t; ++i) m.mean += v[static_cast<std::size_t>(i)];
  m.mean /= w;
  for (std::int64_t i = t - w + 1; i <= t; ++i) {
    const double d = v[static_cast<std::size_t>(i)] - m.mean;
    m.m2 += d * d, m.m3 += d * d * d;
  }
  m.m2 /= w, m.m3 /= w;
  return m;
}

double feature_at(const FeatureSpec& s, const std::vector<double>& c, const std::vector<double>& r, std::int64_t t,
                  int lag) {
  const int w = s.param;
  const double n = w;
  switch (s.kind) {
    case FeatureKind::kLaggedReturns:
      return r[static_cast<std::size_t>(t - lag + 1)];
    case FeatureKind::kVolatility:
      return std::sqrt(window_moments(r, t, w).m2 * n / (n - 1));
    case FeatureKind::kSmaRatio:
      return c[static_cast<std::size_t>(t)] / window_moments(c, t, w).mean - 1.0;
    case FeatureKind::kZscore: {
      const Moments m = window_moments(c, t, w);
      const double sd = std::sqrt(m.m2 * n / (n - 1));
      return sd > 0 ? (c[static_cast<std::size_t>(t)] - m.mean) / sd : 0.0;
    }
    case FeatureKind::kSkew: {
      const Moments m = window_moments(r, t, w);
      return m.m2 > 0 ? std::sqrt(n * (n - 1)) / (n - 2) * m.m3 / std::pow(m.m2, 1.5) : 0.0;
    }
    case FeatureKind::kRsi:
      break;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

void compute_features_ref(std::span<const double> close, std::span<const FeatureSpec> specs,
                          Eigen::Ref<Eigen::MatrixXd> out) {
  if (out.rows() != static_cast<Eigen::Index>(close.size()) || out.cols() != feature_columns(specs))
    throw KernelError("compute_features_ref: output must be bars x feature columns");
  out.setConstant(std::numeric_limits<double>::quiet_NaN());
  const std::vector<double> c(close.begin(), close.end());
  const std::vector<double> r = detail::simple_returns(close);
  const auto n = static_cast<std::int64_t>(c.size());
  Eigen::Index col = 0;
  for (const auto& s : specs) {
    if (s.kind == FeatureKind::kRsi) detail::wilder_rsi(close, s.param, out, col);
    for (int k = 0; k < feature_width(s) && s.kind != FeatureKind::kRsi; ++k) {
      const std::int64_t first = s.kind == FeatureKind::kLaggedReturns ? k + 1 : feature_first_bar(s);
      for (std::int64_t t = first; t < n; ++t) out(t, col + k) = feature_at(s, c, r, t, k + 1);
    }
    col += feature_width(s);
  }
}

}  // namespace qg::kernels::ml
