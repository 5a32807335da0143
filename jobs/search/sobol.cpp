// Sobol points from Boost.Random (boost/random/sobol.hpp), whose table is S. Joe and F. Y. Kuo,
// "Constructing Sobol sequences with better two-dimensional projections", SIAM J. Sci. Comput.
// 30 (2008), file new-joe-kuo-6.21201, cut at 3667 dimensions.
#include "search/sobol.hpp"

#include <stdexcept>
#include <string>

namespace qg::jobs {
namespace {

//! `dims` when Boost has direction numbers for it; std::invalid_argument otherwise.
unsigned checked_dims(unsigned dims) {
  if (dims < 1 || dims > SobolSequence::kMaxDims)
    throw std::invalid_argument("Sobol dimensions must be 1.." + std::to_string(SobolSequence::kMaxDims) + ", got " +
                                std::to_string(dims));
  return dims;
}

}  // namespace

SobolSequence::SobolSequence(unsigned dims) : dims_(checked_dims(dims)), engine_(dims) {}

void SobolSequence::next(std::span<double> out) {
  if (index_ + 1 >= (std::uint64_t{1} << 32)) throw std::out_of_range("Sobol sequence exhausted (2^32 points)");
  ++index_;
  constexpr double kScale = 1.0 / 4294967296.0;  // 2^-32
  for (unsigned d = 0; d < dims_; ++d) out[d] = engine_() * kScale;
}

}  // namespace qg::jobs
