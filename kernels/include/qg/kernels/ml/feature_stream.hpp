#pragma once
// The feature catalogue (features.hpp) evaluated one bar at a time, for the live node: a ring of
// the last closes the longest feature needs, the Wilder averages and the rolling sums carried.
// Row t equals row t of compute_features() on closes 0..t: the same arithmetic in the same
// order, the rolling sums recomputed exactly on the same bars, so lagged returns are bit for
// bit equal and RSI and rolling moments equal to rounding (the compiler may fuse multiply-adds
// differently in the two code paths; tests/kernels/ml/test_feature_stream.cpp bounds it by
// 1e-11 relative). Memory is O(longest window); a bar costs O(lags + skew windows), O(window)
// on a resync bar, never O(history).
#include <cstdint>
#include <span>
#include <vector>

#include "qg/kernels/ml/features.hpp"

namespace qg::kernels::ml {

class FeatureStream {
 public:
  //! A stream of the columns of `specs` (feature_names(specs) order). Throws KernelError for a
  //! parameter below the kind's minimum.
  explicit FeatureStream(std::vector<FeatureSpec> specs);
  //! Takes the next close and returns the feature row at it (NaN where a column is not yet
  //! defined). The span stays valid until the next step.
  std::span<const double> step(double close);
  //! Bars taken so far.
  std::int64_t bars() const { return bars_; }
  //! Closes kept: the longest window any feature reads (at least 2).
  std::size_t capacity() const { return ring_.size(); }

 private:
  struct Wilder {
    double ag = 0.0, al = 0.0;
  };
  //! Sums of (v - anchor) and (v - anchor)^2 over a window, as compute_features keeps them.
  struct Rolling {
    double anchor = 0.0, s1 = 0.0, s2 = 0.0;
    void add(double v, double sign) {
      const double d = v - anchor;
      s1 += sign * d, s2 += sign * d * d;
    }
  };
  //! The close `back` bars before the newest (0: the newest).
  double close(std::int64_t back) const;
  //! r_{t-back}, the simple return `back` bars before the newest.
  double ret(std::int64_t back) const;
  double value(bool returns, std::int64_t back) const;
  void roll(Rolling& win, std::int64_t w, bool returns) const;
  static double variance(const Rolling& win, double w);
  double skew(std::int64_t w) const;
  double rsi(Wilder& state, int p) const;
  void fill_row();

  std::vector<FeatureSpec> specs_;
  std::vector<double> ring_;
  std::vector<Wilder> wilder_;    // one per spec (used by rsi only)
  std::vector<Rolling> rolling_;  // one per spec (volatility, sma_ratio, zscore)
  std::vector<double> row_;
  std::int64_t bars_ = 0;
};

}  // namespace qg::kernels::ml
