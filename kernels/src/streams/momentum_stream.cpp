// momentum as a stream: close[t] against close[t-L] from a ring of the last L+1 closes.
#include "../strategies/common.hpp"
#include "all.hpp"
#include "ring.hpp"

namespace qg::kernels::detail {
namespace {

class MomentumStream final : public PositionStream {
 public:
  MomentumStream(int lookback, PositionMode mode)
      : lookback_(lookback),
        below_(mode == PositionMode::kLongShort ? -1 : 0),
        closes_(static_cast<std::size_t>(lookback) + 1) {}

 protected:
  std::int8_t decide(double, double, double close, std::int64_t t) override {
    closes_.push(close);
    if (t < lookback_) return 0;
    const double then = closes_.back(static_cast<std::size_t>(lookback_));
    if (greater(close, then)) return 1;
    return less(close, then) ? below_ : 0;
  }

 private:
  int lookback_;
  std::int8_t below_;
  Ring<double> closes_;
};

}  // namespace

std::unique_ptr<PositionStream> momentum_stream(std::span<const double> set, PositionMode mode) {
  return std::make_unique<MomentumStream>(stream_window(set, 0, "momentum"), mode);
}

}  // namespace qg::kernels::detail
