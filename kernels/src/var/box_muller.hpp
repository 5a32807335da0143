#pragma once
// Box-Muller over Philox outputs, the floating-point half of fill_normals (normals.cpp; its ln and
// sincos are those of box_muller_math.hpp).
#include <cstddef>
#include <cstdint>

namespace qg::kernels::var {

//! For each of the n Philox outputs (c0[i], c1[i], c2[i], c3[i]): u1 and u2 as philox_uniforms
//! makes them of (c0, c1) and (c2, c3), radius = sqrt(-2 ln u1), zc[i] = radius cos(2 pi u2),
//! zs[i] = radius sin(2 pi u2) (bm::log_unit, bm::sincos_turns). Four at a time with AVX2 and FMA
//! where the build targets them; the same bits as box_muller_pairs_ref. work: 2n doubles.
void box_muller_pairs(const std::uint32_t* c0, const std::uint32_t* c1, const std::uint32_t* c2,
                      const std::uint32_t* c3, std::size_t n, double* zc, double* zs, double* work);
//! The same as a plain loop, one pair at a time. work: 2n doubles of scratch (the uniforms).
void box_muller_pairs_ref(const std::uint32_t* c0, const std::uint32_t* c1, const std::uint32_t* c2,
                          const std::uint32_t* c3, std::size_t n, double* zc, double* zs, double* work);

}  // namespace qg::kernels::var
