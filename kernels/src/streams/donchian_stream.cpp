// donchian as a stream: the channels over the n bars before t come from rings of the last
// max(entry, exit) highs and lows (max and min are exact, so any scan order gives the batch
// kernel's sparse-table values).
#include <algorithm>

#include "../strategies/common.hpp"
#include "all.hpp"
#include "ring.hpp"

namespace qg::kernels::detail {
namespace {

class DonchianStream final : public PositionStream {
 public:
  DonchianStream(int entry, int exit, PositionMode mode)
      : entry_(entry),
        exit_(exit),
        start_(std::max(entry, exit)),
        short_ok_(mode == PositionMode::kLongShort),
        highs_(static_cast<std::size_t>(std::max(entry, exit))),
        lows_(highs_.capacity()) {}

 protected:
  std::int8_t decide(double high, double low, double close, std::int64_t t) override {
    if (t >= start_) pos_ = channel_step(pos_, close);
    highs_.push(high);  // after the decision: the channels end at bar t-1
    lows_.push(low);
    return t >= start_ ? pos_ : 0;
  }

 private:
  //! Exits from the current state, then entries when flat (the batch kernel's channel_step).
  std::int8_t channel_step(std::int8_t p, double c) const {
    if (p == 1 && less(c, lowest(exit_))) p = 0;
    if (p == -1 && greater(c, highest(exit_))) p = 0;
    if (p == 0 && greater(c, highest(entry_))) p = 1;
    if (p == 0 && short_ok_ && less(c, lowest(entry_))) p = -1;
    return p;
  }
  //! max(high) over the last n bars pushed.
  double highest(int n) const {
    double v = highs_.back(0);
    for (std::size_t age = 1; age < static_cast<std::size_t>(n); ++age) v = std::max(v, highs_.back(age));
    return v;
  }
  //! min(low) over the last n bars pushed.
  double lowest(int n) const {
    double v = lows_.back(0);
    for (std::size_t age = 1; age < static_cast<std::size_t>(n); ++age) v = std::min(v, lows_.back(age));
    return v;
  }

  int entry_, exit_;
  std::int64_t start_;
  bool short_ok_;
  Ring<double> highs_, lows_;
  std::int8_t pos_ = 0;
};

}  // namespace

std::unique_ptr<PositionStream> donchian_stream(std::span<const double> set, PositionMode mode) {
  return std::make_unique<DonchianStream>(stream_window(set, 0, "donchian"), stream_window(set, 1, "donchian"), mode);
}

}  // namespace qg::kernels::detail
