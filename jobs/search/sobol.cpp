// Sobol sequence after Bratley & Fox (ACM TOMS 14, 1988) in Gray-code order, with the
// primitive polynomials and initial direction numbers of S. Joe and F. Y. Kuo, "Constructing
// Sobol sequences with better two-dimensional projections", SIAM J. Sci. Comput. 30 (2008),
// table new-joe-kuo-6.21201 (rows d = 2..12; dimension 1 has every m_k = 1).
#include "search/sobol.hpp"

#include <bit>
#include <stdexcept>
#include <string>

namespace qg::jobs {
namespace {

//! One row of new-joe-kuo-6.21201: degree s, polynomial coefficients a, initial m_1..m_s.
struct DirectionRow {
  unsigned s;
  std::uint32_t a;
  std::uint32_t m[5];
};

// d = 2 .. 12, in order.
constexpr DirectionRow kJoeKuo[SobolSequence::kMaxDims - 1] = {
    {1, 0, {1}},                // d = 2
    {2, 1, {1, 3}},             // d = 3
    {3, 1, {1, 3, 1}},          // d = 4
    {3, 2, {1, 1, 1}},          // d = 5
    {4, 1, {1, 1, 3, 3}},       // d = 6
    {4, 4, {1, 3, 5, 13}},      // d = 7
    {5, 2, {1, 1, 5, 5, 17}},   // d = 8
    {5, 4, {1, 1, 5, 5, 5}},    // d = 9
    {5, 7, {1, 1, 7, 11, 19}},  // d = 10
    {5, 11, {1, 1, 5, 1, 1}},   // d = 11
    {5, 13, {1, 1, 1, 3, 11}},  // d = 12
};

// V_k = m_k * 2^(32-k) for k = 1..kBits, extending m by the recurrence of the polynomial:
// V_k = V_{k-s} ^ (V_{k-s} >> s) ^ XOR_{i=1}^{s-1} a_i V_{k-i}, a_i the i-th bit of a from the top.
void fill_directions(const DirectionRow& row, int bits, std::uint32_t* v) {
  for (int k = 1; k <= bits; ++k) {
    const unsigned uk = static_cast<unsigned>(k);
    if (uk <= row.s) {
      v[k - 1] = row.m[k - 1] << (bits - k);
      continue;
    }
    std::uint32_t x = v[k - 1 - static_cast<int>(row.s)];
    x ^= x >> row.s;
    for (unsigned i = 1; i < row.s; ++i)
      if ((row.a >> (row.s - 1 - i)) & 1U) x ^= v[k - 1 - static_cast<int>(i)];
    v[k - 1] = x;
  }
}

}  // namespace

SobolSequence::SobolSequence(unsigned dims) : dims_(dims) {
  if (dims < 1 || dims > kMaxDims)
    throw std::invalid_argument("Sobol dimensions must be 1.." + std::to_string(kMaxDims) + ", got " +
                                std::to_string(dims));
  direction_.assign(static_cast<std::size_t>(dims) * kBits, 0);
  state_.assign(dims, 0);
  for (int k = 1; k <= kBits; ++k) direction_[static_cast<std::size_t>(k - 1)] = 1U << (kBits - k);
  for (unsigned d = 1; d < dims; ++d)
    fill_directions(kJoeKuo[d - 1], kBits, &direction_[static_cast<std::size_t>(d) * kBits]);
}

void SobolSequence::next(std::span<double> out) {
  // Point i = point i-1 XOR V_c, c the (1-based) position of the lowest zero bit of i-1.
  const auto c = static_cast<std::size_t>(std::countr_one(index_));
  if (c >= static_cast<std::size_t>(kBits)) throw std::out_of_range("Sobol sequence exhausted (2^32 points)");
  ++index_;
  constexpr double kScale = 1.0 / 4294967296.0;  // 2^-32
  for (unsigned d = 0; d < dims_; ++d) {
    state_[d] ^= direction_[static_cast<std::size_t>(d) * kBits + c];
    out[d] = state_[d] * kScale;
  }
}

}  // namespace qg::jobs
