// ema_crossover as a stream: the two recursions EMA[t] = alpha*close[t] + (1-alpha)*EMA[t-1]
// (EMA[0] = close[0], alpha = 2/(w+1)) carried from bar to bar, written exactly as the batch
// kernel's table loop writes them.
#include <algorithm>

#include "../strategies/common.hpp"
#include "all.hpp"

namespace qg::kernels::detail {
namespace {

class EmaCrossoverStream final : public PositionStream {
 public:
  EmaCrossoverStream(int fast, int slow, PositionMode mode)
      : start_(std::max(fast, slow) - 1),
        below_(mode == PositionMode::kLongShort ? -1 : 0),
        alpha_fast_(2.0 / (fast + 1.0)),
        alpha_slow_(2.0 / (slow + 1.0)) {}

 protected:
  std::int8_t decide(double, double, double close, std::int64_t t) override {
    if (t == 0) {
      fast_ = slow_ = close;
    } else {
      fast_ = alpha_fast_ * close + (1.0 - alpha_fast_) * fast_;
      slow_ = alpha_slow_ * close + (1.0 - alpha_slow_) * slow_;
    }
    if (t < start_) return 0;
    if (greater(fast_, slow_)) return 1;
    return less(fast_, slow_) ? below_ : 0;
  }

 private:
  std::int64_t start_;
  std::int8_t below_;
  double alpha_fast_, alpha_slow_;
  double fast_ = 0.0, slow_ = 0.0;
};

}  // namespace

std::unique_ptr<PositionStream> ema_crossover_stream(std::span<const double> set, PositionMode mode) {
  return std::make_unique<EmaCrossoverStream>(stream_window(set, 0, "ema_crossover"),
                                              stream_window(set, 1, "ema_crossover"), mode);
}

}  // namespace qg::kernels::detail
