// sma_crossover as a stream. The batch kernel reads each average from the close prefix sums,
// (P[t+1] - P[t+1-w]) * (1.0 / w) with P accumulated in order from bar 0; the stream keeps the
// running P and a ring of the last max(fast, slow) + 1 prefix values, so it does the same
// operations on the same numbers.
#include <algorithm>

#include "../strategies/common.hpp"
#include "all.hpp"
#include "ring.hpp"

namespace qg::kernels::detail {
namespace {

class SmaCrossoverStream final : public PositionStream {
 public:
  SmaCrossoverStream(int fast, int slow, PositionMode mode)
      : fast_(fast),
        slow_(slow),
        start_(std::max(fast, slow) - 1),
        below_(mode == PositionMode::kLongShort ? -1 : 0),
        inv_fast_(1.0 / fast),
        inv_slow_(1.0 / slow),
        prefix_(static_cast<std::size_t>(std::max(fast, slow)) + 1) {
    prefix_.push(0.0);  // P[0]
  }

 protected:
  std::int8_t decide(double, double, double close, std::int64_t t) override {
    prefix_.push(prefix_.back(0) + close);  // P[t+1] = P[t] + close[t]
    if (t < start_) return 0;
    const double x = mean(fast_, inv_fast_), y = mean(slow_, inv_slow_);
    if (greater(x, y)) return 1;
    return less(x, y) ? below_ : 0;
  }

 private:
  //! Mean of the last w closes: (P[t+1] - P[t+1-w]) * (1/w), as the batch kernel computes it.
  double mean(int w, double inv) const { return (prefix_.back(0) - prefix_.back(static_cast<std::size_t>(w))) * inv; }

  int fast_, slow_;
  std::int64_t start_;
  std::int8_t below_;
  double inv_fast_, inv_slow_;
  Ring<double> prefix_;
};

}  // namespace

std::unique_ptr<PositionStream> sma_crossover_stream(std::span<const double> set, PositionMode mode) {
  return std::make_unique<SmaCrossoverStream>(stream_window(set, 0, "sma_crossover"),
                                              stream_window(set, 1, "sma_crossover"), mode);
}

}  // namespace qg::kernels::detail
