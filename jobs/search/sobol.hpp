#pragma once
// Sobol low-discrepancy points in [0,1)^d, Gray-code order, from Boost.Random's sobol_engine:
// the Joe & Kuo direction numbers (new-joe-kuo-6.21201) for up to 3667 dimensions.
#include <cstdint>
#include <span>

#include <boost/random/sobol.hpp>

namespace qg::jobs {

//! The unscrambled Sobol sequence in up to kMaxDims dimensions. Point 0 is the origin;
//! next() returns points 1, 2, ... in Gray-code order (Antonov-Saleev), 32-bit resolution.
//! (The same points as the 12-dimension table this replaced: every run file is unchanged.)
class SobolSequence {
 public:
  //! Dimensions Boost's table has direction numbers for.
  static constexpr unsigned kMaxDims = BOOST_RANDOM_SOBOL_MAX_DIMENSION;

  //! Starts at point 0. Throws std::invalid_argument for dims outside 1..kMaxDims.
  explicit SobolSequence(unsigned dims);

  unsigned dims() const { return dims_; }
  //! Index of the point the next call to next() returns (1 after construction).
  std::uint64_t index() const { return index_ + 1; }
  //! Advances to the next point and writes its dims() coordinates into `out`.
  void next(std::span<double> out);

 private:
  unsigned dims_;
  std::uint64_t index_ = 0;                                // index of the current point (0: the origin)
  boost::random::sobol_engine<std::uint32_t, 32> engine_;  // yields points 1, 2, ... scaled by 2^32
};

}  // namespace qg::jobs
