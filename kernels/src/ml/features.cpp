// The feature catalogue with O(1) rolling updates (features.hpp). The running sums are taken
// about an anchor, the window's first value at the last exact recomputation, so that closes near
// 100 with a window variance near 1 do not lose digits to cancellation.
#include "qg/kernels/ml/features.hpp"

#include <cmath>
#include <limits>

#include "feature_helpers.hpp"
#include "qg/core/error.hpp"

namespace qg::kernels::ml {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// A window whose variance is below this share of its mean square about the anchor is constant
// up to the rounding of the running sums.
constexpr double kFlat = 1e-13;

//! Sums of (v - anchor) and (v - anchor)^2 over a sliding window of w values.
struct Window {
  double anchor = 0, s1 = 0, s2 = 0;
  void add(double v, double sign) {
    const double d = v - anchor;
    s1 += sign * d, s2 += sign * d * d;
  }
  void reset(const double* v, std::int64_t w) {
    anchor = v[0], s1 = s2 = 0;
    for (std::int64_t i = 0; i < w; ++i) add(v[i], 1.0);
  }
};

//! Calls emit(t, window) for every t in [start + w - 1, n) over values v[start..n).
template <class Emit>
void rolling(const double* v, std::int64_t start, std::int64_t n, std::int64_t w, Emit&& emit) {
  Window win;
  win.anchor = start < n ? v[start] : 0.0;
  for (std::int64_t t = start; t < n; ++t) {
    const std::int64_t k = t - start;
    if (k >= w && k % kResyncBars == 0) {
      win.reset(v + t - w + 1, w);
    } else {
      win.add(v[t], 1.0);
      if (k >= w) win.add(v[t - w], -1.0);
    }
    if (k >= w - 1) emit(t, win);
  }
}

//! Sample variance (ddof 1) of a window, 0 when it is flat.
double window_variance(const Window& win, double w) {
  const double mean = win.s1 / w;
  const double var = (win.s2 - win.s1 * mean) / (w - 1);
  return var <= kFlat * (win.s2 / w) ? 0.0 : var;
}

void lagged(const std::vector<double>& r, int lags, Eigen::Ref<Eigen::MatrixXd> out, Eigen::Index col) {
  const auto n = static_cast<std::int64_t>(r.size());
  for (int k = 1; k <= lags; ++k)
    for (std::int64_t t = 0; t < n; ++t) out(t, col + k - 1) = t >= k ? r[static_cast<std::size_t>(t - k + 1)] : kNaN;
}

void volatility(const std::vector<double>& r, int w, Eigen::Ref<Eigen::MatrixXd> out, Eigen::Index col) {
  rolling(r.data(), 1, static_cast<std::int64_t>(r.size()), w,
          [&](std::int64_t t, const Window& win) { out(t, col) = std::sqrt(window_variance(win, w)); });
}

void sma_ratio(std::span<const double> c, int w, Eigen::Ref<Eigen::MatrixXd> out, Eigen::Index col) {
  rolling(c.data(), 0, static_cast<std::int64_t>(c.size()), w,
          [&](std::int64_t t, const Window& win) { out(t, col) = c[t] / (win.anchor + win.s1 / w) - 1.0; });
}

void zscore(std::span<const double> c, int w, Eigen::Ref<Eigen::MatrixXd> out, Eigen::Index col) {
  rolling(c.data(), 0, static_cast<std::int64_t>(c.size()), w, [&](std::int64_t t, const Window& win) {
    const double var = window_variance(win, w);
    out(t, col) = var > 0 ? (c[t] - (win.anchor + win.s1 / w)) / std::sqrt(var) : 0.0;
  });
}

// Skewness from running power sums loses about half the digits of m2 to cancellation in short
// windows, so each window is taken in two passes (O(w) per bar; skew windows are short).
void skew(const std::vector<double>& r, int w, Eigen::Ref<Eigen::MatrixXd> out, Eigen::Index col) {
  const double n = w;
  for (std::size_t t = static_cast<std::size_t>(w); t < r.size(); ++t) {
    double mean = 0, m2 = 0, m3 = 0;
    for (std::size_t i = t + 1 - static_cast<std::size_t>(w); i <= t; ++i) mean += r[i];
    mean /= n;
    for (std::size_t i = t + 1 - static_cast<std::size_t>(w); i <= t; ++i) {
      const double d = r[i] - mean;
      m2 += d * d, m3 += d * d * d;
    }
    m2 /= n, m3 /= n;
    out(static_cast<Eigen::Index>(t), col) = m2 > 0 ? std::sqrt(n * (n - 1)) / (n - 2) * m3 / std::pow(m2, 1.5) : 0.0;
  }
}

}  // namespace

namespace detail {

void wilder_rsi(std::span<const double> c, int p, Eigen::Ref<Eigen::MatrixXd> out, Eigen::Index col) {
  const auto n = static_cast<std::int64_t>(c.size());
  double ag = 0, al = 0;
  for (std::int64_t t = 1; t < n && t <= p; ++t) {
    const double d = c[t] - c[t - 1];
    ag += d > 0 ? d : 0.0, al += d < 0 ? -d : 0.0;
  }
  ag /= p, al /= p;
  for (std::int64_t t = p; t < n; ++t) {
    if (t > p) {
      const double d = c[t] - c[t - 1];
      ag = ag * (1.0 - 1.0 / p) + (d > 0 ? d : 0.0) / p;
      al = al * (1.0 - 1.0 / p) + (d < 0 ? -d : 0.0) / p;
    }
    out(t, col) = ag + al > 0 ? 100.0 * ag / (ag + al) : 50.0;
  }
}

std::vector<double> simple_returns(std::span<const double> c) {
  std::vector<double> r(c.size(), kNaN);
  for (std::size_t t = 1; t < c.size(); ++t) r[t] = c[t] / c[t - 1] - 1.0;
  return r;
}

}  // namespace detail

void compute_features(std::span<const double> close, std::span<const FeatureSpec> specs,
                      Eigen::Ref<Eigen::MatrixXd> out) {
  if (out.rows() != static_cast<Eigen::Index>(close.size()) || out.cols() != feature_columns(specs))
    throw KernelError("compute_features: output must be bars x feature columns");
  out.setConstant(kNaN);
  const std::vector<double> r = detail::simple_returns(close);
  Eigen::Index col = 0;
  for (const auto& s : specs) {
    switch (s.kind) {
      case FeatureKind::kLaggedReturns:
        lagged(r, s.param, out, col);
        break;
      case FeatureKind::kVolatility:
        volatility(r, s.param, out, col);
        break;
      case FeatureKind::kRsi:
        detail::wilder_rsi(close, s.param, out, col);
        break;
      case FeatureKind::kSmaRatio:
        sma_ratio(close, s.param, out, col);
        break;
      case FeatureKind::kZscore:
        zscore(close, s.param, out, col);
        break;
      case FeatureKind::kSkew:
        skew(r, s.param, out, col);
        break;
    }
    col += feature_width(s);
  }
}

}  // namespace qg::kernels::ml
