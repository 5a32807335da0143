// The feature catalogue one bar at a time (feature_stream.hpp). Rolling means and variances
// repeat compute_features' arithmetic step for step: sums about an anchor, updated by the value
// entering and the one leaving the window, recomputed exactly on the same bars (every
// kResyncBars of the series), so the stream's rows equal the batch rows (to rounding where the
// compiler fuses multiply-adds differently).
#include "qg/kernels/ml/feature_stream.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "qg/core/error.hpp"

namespace qg::kernels::ml {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kFlat = 1e-13;  // as compute_features: a variance this small is a flat window

//! Closes a feature reads at one bar: w returns need w + 1 closes.
std::int64_t closes_needed(const FeatureSpec& s) {
  switch (s.kind) {
    case FeatureKind::kSmaRatio:
    case FeatureKind::kZscore:
      return s.param + 1;  // w closes, and the one leaving the window
    case FeatureKind::kRsi:
      return 2;
    case FeatureKind::kVolatility:
      return s.param + 2;  // w returns, and the one leaving the window
    default:
      return s.param + 1;
  }
}

}  // namespace

FeatureStream::FeatureStream(std::vector<FeatureSpec> specs) : specs_(std::move(specs)) {
  std::int64_t keep = 2;
  for (const auto& s : specs_) {
    if (s.param < feature_min_param(s.kind))
      throw KernelError("FeatureStream: " + std::string(feature_kind_name(s.kind)) + " needs " +
                        std::string(feature_param_name(s.kind)) + " >= " + std::to_string(feature_min_param(s.kind)));
    keep = std::max(keep, closes_needed(s));
  }
  ring_.assign(static_cast<std::size_t>(keep), kNaN);
  wilder_.resize(specs_.size());
  rolling_.resize(specs_.size());
  row_.assign(static_cast<std::size_t>(feature_columns(specs_)), kNaN);
}

double FeatureStream::close(std::int64_t back) const {
  const auto n = static_cast<std::int64_t>(ring_.size());
  return ring_[static_cast<std::size_t>((bars_ - 1 - back) % n)];
}

double FeatureStream::ret(std::int64_t back) const { return close(back) / close(back + 1) - 1.0; }

double FeatureStream::value(bool returns, std::int64_t back) const { return returns ? ret(back) : close(back); }

//! The batch kernel's rolling() step at the newest bar: add the new value, drop the one leaving
//! the window, or recompute the sums exactly every kResyncBars bars of the series.
void FeatureStream::roll(Rolling& win, std::int64_t w, bool returns) const {
  const std::int64_t k = bars_ - 1 - (returns ? 1 : 0);  // index in the series (returns start at bar 1)
  if (k < 0) return;
  if (k == 0) win.anchor = value(returns, 0);
  if (k >= w && k % kResyncBars == 0) {
    win.anchor = value(returns, w - 1), win.s1 = win.s2 = 0;
    for (std::int64_t b = w - 1; b >= 0; --b) win.add(value(returns, b), 1.0);
  } else {
    win.add(value(returns, 0), 1.0);
    if (k >= w) win.add(value(returns, w), -1.0);
  }
}

//! Sample variance (ddof 1) of a window, 0 when it is flat (compute_features' rule).
double FeatureStream::variance(const Rolling& win, double w) {
  const double mean = win.s1 / w;
  const double var = (win.s2 - win.s1 * mean) / (w - 1);
  return var <= kFlat * (win.s2 / w) ? 0.0 : var;
}

//! Adjusted Fisher-Pearson skewness of the last w returns, two passes in the batch kernel's order.
double FeatureStream::skew(std::int64_t w) const {
  const double n = static_cast<double>(w);
  double mean = 0, m2 = 0, m3 = 0;
  for (std::int64_t b = w - 1; b >= 0; --b) mean += ret(b);
  mean /= n;
  for (std::int64_t b = w - 1; b >= 0; --b) {
    const double d = ret(b) - mean;
    m2 += d * d, m3 += d * d * d;
  }
  m2 /= n, m3 /= n;
  return m2 > 0 ? std::sqrt(n * (n - 1)) / (n - 2) * m3 / std::pow(m2, 1.5) : 0.0;
}

//! Wilder's recursion at the newest bar t (the batch kernel's arithmetic, step by step).
double FeatureStream::rsi(Wilder& s, int p) const {
  const std::int64_t t = bars_ - 1;
  if (t == 0) return kNaN;
  const double d = close(0) - close(1);
  const double gain = d > 0 ? d : 0.0, loss = d < 0 ? -d : 0.0;
  if (t <= p) {
    s.ag += gain, s.al += loss;
    if (t < p) return kNaN;
    s.ag /= p, s.al /= p;
  } else {
    s.ag = s.ag * (1.0 - 1.0 / p) + gain / p;
    s.al = s.al * (1.0 - 1.0 / p) + loss / p;
  }
  return s.ag + s.al > 0 ? 100.0 * s.ag / (s.ag + s.al) : 50.0;
}

void FeatureStream::fill_row() {
  const std::int64_t t = bars_ - 1;
  std::size_t col = 0;
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    const FeatureSpec& s = specs_[i];
    const std::int64_t w = s.param;
    double& out = row_[col];
    switch (s.kind) {
      case FeatureKind::kLaggedReturns:
        for (std::int64_t k = 1; k <= w; ++k) row_[col + static_cast<std::size_t>(k - 1)] = t >= k ? ret(k - 1) : kNaN;
        break;
      case FeatureKind::kVolatility:
        roll(rolling_[i], w, true);
        out = t >= w ? std::sqrt(variance(rolling_[i], static_cast<double>(w))) : kNaN;
        break;
      case FeatureKind::kRsi:
        out = rsi(wilder_[i], s.param);
        break;
      case FeatureKind::kSmaRatio: {
        const Rolling& win = rolling_[i];
        roll(rolling_[i], w, false);
        out = t >= w - 1 ? close(0) / (win.anchor + win.s1 / static_cast<double>(w)) - 1.0 : kNaN;
        break;
      }
      case FeatureKind::kZscore: {
        const Rolling& win = rolling_[i];
        roll(rolling_[i], w, false);
        const double var = variance(win, static_cast<double>(w));
        out = t < w - 1 ? kNaN
              : var > 0 ? (close(0) - (win.anchor + win.s1 / static_cast<double>(w))) / std::sqrt(var)
                        : 0.0;
        break;
      }
      case FeatureKind::kSkew:
        out = t >= w ? skew(w) : kNaN;
        break;
    }
    col += static_cast<std::size_t>(feature_width(s));
  }
}

std::span<const double> FeatureStream::step(double c) {
  ring_[static_cast<std::size_t>(bars_ % static_cast<std::int64_t>(ring_.size()))] = c;
  ++bars_;
  fill_row();
  return row_;
}

}  // namespace qg::kernels::ml
