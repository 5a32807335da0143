#pragma once
// Streaming positions: for one strategy and one parameter set, a small state that takes a
// symbol's bars one at a time and returns the position decided at each close. The result at
// bar t equals, bit for bit, Strategy::positions() at t on bars 0..t (the fast batch kernel's
// arithmetic is reproduced: prefix sums kept in a ring, the EMA and Wilder recursions carried,
// Bollinger's anchored sums refreshed on the same bars). Memory is O(window) and one step costs
// O(window) or less, never O(history).
#include <cstdint>
#include <memory>
#include <span>

#include "qg/kernels/strategy.hpp"

namespace qg::kernels {

//! One strategy's rule over one symbol's bars, oldest first. Not thread-safe (it carries state).
class PositionStream {
 public:
  virtual ~PositionStream() = default;
  //! Takes the next bar and returns the position decided at its close, in {-1, 0, 1} (never -1
  //! in kLongFlat); flat while the indicator is undefined.
  std::int8_t step(double high, double low, double close) { return decide(high, low, close, bars_++); }
  //! Bars taken so far.
  std::int64_t bars() const { return bars_; }

 protected:
  //! The position at bar index t (0 for the first bar given to the stream).
  virtual std::int8_t decide(double high, double low, double close, std::int64_t t) = 0;

 private:
  std::int64_t bars_ = 0;
};

//! A fresh stream of `strategy` for one parameter set (in strategy.params() order). Throws
//! KernelError for a kind without a stream, a set of the wrong length or a window below 1.
std::unique_ptr<PositionStream> make_position_stream(const Strategy& strategy, std::span<const double> set,
                                                     PositionMode mode);

}  // namespace qg::kernels
