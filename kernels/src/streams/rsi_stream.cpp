// rsi as a stream: the sums of gains and losses over bars 1..period, then Wilder's recursion
// avg = (avg*(period-1) + x)/period carried from bar to bar, with the batch kernel's operations.
#include "../strategies/common.hpp"
#include "all.hpp"

namespace qg::kernels::detail {
namespace {

class RsiStream final : public PositionStream {
 public:
  RsiStream(int period, double lower, double upper, PositionMode mode)
      : period_(period), lower_(lower), upper_(upper), above_(mode == PositionMode::kLongShort ? -1 : 0) {}

 protected:
  std::int8_t decide(double, double, double close, std::int64_t t) override {
    const double d = t == 0 ? 0.0 : close - prev_close_;
    prev_close_ = close;
    if (t == 0) return 0;
    const double up = d > 0.0 ? d : 0.0, down = d < 0.0 ? -d : 0.0;
    if (t < period_) {
      gain_ += up;
      loss_ += down;
      return 0;
    }
    if (t == period_) {
      gain_ = (gain_ + up) / period_;
      loss_ = (loss_ + down) / period_;
    } else {
      gain_ = (gain_ * (period_ - 1) + up) / period_;
      loss_ = (loss_ * (period_ - 1) + down) / period_;
    }
    const double v = value();
    if (less(v, lower_))
      pos_ = 1;  // "RSI < lower" wins
    else if (greater(v, upper_))
      pos_ = above_;
    return pos_;
  }

 private:
  //! RSI from the two Wilder averages (100 when only gains, 50 when neither).
  double value() const {
    if (loss_ == 0.0) return gain_ > 0.0 ? 100.0 : 50.0;
    return 100.0 - 100.0 / (1.0 + gain_ / loss_);
  }

  int period_;
  double lower_, upper_;
  std::int8_t above_;
  double prev_close_ = 0.0, gain_ = 0.0, loss_ = 0.0;
  std::int8_t pos_ = 0;
};

}  // namespace

std::unique_ptr<PositionStream> rsi_stream(std::span<const double> set, PositionMode mode) {
  return std::make_unique<RsiStream>(stream_window(set, 0, "rsi"), set[1], set[2], mode);
}

}  // namespace qg::kernels::detail
