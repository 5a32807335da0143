#pragma once
// Box-Muller over Philox outputs, the floating-point half of fill_normals (vector_math.cpp,
// built with -ffast-math so that libmvec serves the log, cos and sin).
#include <cstddef>
#include <cstdint>

namespace qg::kernels::var {

//! For each of the n Philox outputs (c0[i], c1[i], c2[i], c3[i]): u1 and u2 as philox_uniforms
//! makes them of (c0, c1) and (c2, c3), radius = sqrt(-2 ln u1), angle = 2 pi u2,
//! zc[i] = radius cos(angle), zs[i] = radius sin(angle). One pass over the words (explicit AVX2
//! where the build targets AVX2 without AVX-512); the same bits as box_muller_pairs_ref.
void box_muller_pairs(const std::uint32_t* c0, const std::uint32_t* c1, const std::uint32_t* c2,
                      const std::uint32_t* c3, std::size_t n, double* zc, double* zs, double* work);
//! The same as plain loops (the uniforms, then one loop per function, as GCC vectorises them).
//! work: 4n doubles of scratch (the uniforms, then the cos and sin halves).
void box_muller_pairs_ref(const std::uint32_t* c0, const std::uint32_t* c1, const std::uint32_t* c2,
                          const std::uint32_t* c3, std::size_t n, double* zc, double* zs, double* work);

}  // namespace qg::kernels::var
