#pragma once
// Sobol low-discrepancy points in [0,1)^d, Gray-code order, from the Joe & Kuo direction
// numbers (new-joe-kuo-6.21201).
#include <cstdint>
#include <span>
#include <vector>

namespace qg::jobs {

//! The unscrambled Sobol sequence in up to kMaxDims dimensions. Point 0 is the origin;
//! next() returns points 1, 2, ... in Gray-code order (Antonov-Saleev), 32-bit resolution.
class SobolSequence {
 public:
  //! Dimensions this build has direction numbers for.
  static constexpr unsigned kMaxDims = 12;

  //! Starts at point 0. Throws std::invalid_argument for dims outside 1..kMaxDims.
  explicit SobolSequence(unsigned dims);

  unsigned dims() const { return dims_; }
  //! Index of the point the next call to next() returns (1 after construction).
  std::uint64_t index() const { return index_ + 1; }
  //! Advances to the next point and writes its dims() coordinates into `out`.
  void next(std::span<double> out);

 private:
  static constexpr int kBits = 32;
  unsigned dims_;
  std::uint64_t index_ = 0;               // index of the current point (0: the origin)
  std::vector<std::uint32_t> direction_;  // dims x kBits, scaled by 2^32
  std::vector<std::uint32_t> state_;      // current point, scaled by 2^32
};

}  // namespace qg::jobs
