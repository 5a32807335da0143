#pragma once
// The integer half of the VaR normal generator (fill_normals in vector_math.cpp): Philox4x32-10
// rounds over arrays of counters, and the 53-bit uniforms made of its output words. Vectorised
// with AVX-512 or AVX2 where the build targets them; every path gives the same bits as
// Random123's philox4x32 and the scalar conversion of normals_ref.cpp.
#include <cstddef>
#include <cstdint>

namespace qg::kernels::var {

//! Ten Philox4x32 rounds, in place, over the n counters (c0[i], c1[i], c2[i], c3[i]) under the
//! key (k0, k1).
void philox_rounds(std::uint32_t* c0, std::uint32_t* c1, std::uint32_t* c2, std::uint32_t* c3, std::size_t n,
                   std::uint32_t k0, std::uint32_t k1);
//! u[i] = (b + 0.5) 2^-53 with the 53 bits b = (hi[i] << 21) ^ (lo[i] >> 11): in (0, 1], since
//! b + 0.5 rounds to even above 2^52 and the largest b gives exactly 1.
void philox_uniforms(const std::uint32_t* hi, const std::uint32_t* lo, std::size_t n, double* u);

}  // namespace qg::kernels::var
