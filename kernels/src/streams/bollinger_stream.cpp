// bollinger as a stream. The batch kernel's rolling mean and std are sums of deviations from an
// anchor that is recomputed from the window every max(w, 32) bars counted from bar w-1, and
// updated by add/remove in between; the stream restarts on the same bars and updates the same
// way, from a ring of the last w+1 closes (it needs close[t-w]).
#include <algorithm>
#include <cmath>

#include "../strategies/common.hpp"
#include "all.hpp"
#include "ring.hpp"

namespace qg::kernels::detail {
namespace {

class BollingerStream final : public PositionStream {
 public:
  BollingerStream(int w, double k, PositionMode mode)
      : w_(w),
        block_(std::max(w, 32)),
        k_(k),
        inv_w_(1.0 / w),
        short_ok_(mode == PositionMode::kLongShort),
        closes_(static_cast<std::size_t>(w) + 1) {}

 protected:
  std::int8_t decide(double, double, double close, std::int64_t t) override {
    closes_.push(close);
    if (t < w_ - 1) return 0;
    if ((t - (w_ - 1)) % block_ == 0)
      restart();
    else
      add(close - anchor_, closes_.back(static_cast<std::size_t>(w_)) - anchor_);
    const double mu = s1_ * inv_w_;
    const double m = anchor_ + mu;
    const double var = s2_ * inv_w_ - mu * mu;
    const double s = var > 0.0 ? std::sqrt(var) : 0.0;
    pos_ = band_step(pos_, close, m, k_ * s);
    return pos_;
  }

 private:
  //! Anchor and sums recomputed from the last w closes, oldest first, as at a block start.
  void restart() {
    anchor_ = 0.0;
    for (int age = w_ - 1; age >= 0; --age) anchor_ += closes_.back(static_cast<std::size_t>(age));
    anchor_ /= w_;
    s1_ = s2_ = 0.0;
    for (int age = w_ - 1; age >= 0; --age) {
      const double c = closes_.back(static_cast<std::size_t>(age));
      s1_ += c - anchor_;
      s2_ += (c - anchor_) * (c - anchor_);
    }
  }
  void add(double in, double out) {
    s1_ += in - out;
    s2_ += in * in - out * out;
  }
  //! Exits from the current state, then entries when flat (the batch kernel's band_step).
  std::int8_t band_step(std::int8_t p, double c, double m, double ks) const {
    if (p == 1 && !less(c, m)) p = 0;
    if (p == -1 && !greater(c, m)) p = 0;
    if (p == 0 && less(c, m - ks)) p = 1;
    if (p == 0 && short_ok_ && greater(c, m + ks)) p = -1;
    return p;
  }

  int w_;
  std::int64_t block_;
  double k_, inv_w_;
  bool short_ok_;
  Ring<double> closes_;
  double anchor_ = 0.0, s1_ = 0.0, s2_ = 0.0;
  std::int8_t pos_ = 0;
};

}  // namespace

std::unique_ptr<PositionStream> bollinger_stream(std::span<const double> set, PositionMode mode) {
  return std::make_unique<BollingerStream>(stream_window(set, 0, "bollinger"), set[1], mode);
}

}  // namespace qg::kernels::detail
