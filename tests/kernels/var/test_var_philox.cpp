// The array Philox rounds and uniform conversion (kernels/src/var/philox.cpp: AVX2 or AVX-512
// lanes plus a scalar tail) against Random123's philox4x32 and the plain 53-bit conversion of
// normals_ref.cpp, bit for bit, over lengths that leave every tail size.
#include <Random123/philox.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "var/philox.hpp"

namespace qg::kernels::var {
namespace {

TEST(VarPhilox, RoundsMatchRandom123BitForBit) {
  const r123::Philox4x32 rng;
  const r123::Philox4x32::key_type key = {{0x12345678u, 0x9ABCDEF0u}};
  for (std::size_t n : {1u, 7u, 8u, 15u, 16u, 17u, 100u}) {
    std::vector<std::uint32_t> c0(n), c1(n), c2(n), c3(n);
    for (std::size_t i = 0; i < n; ++i)
      c0[i] = static_cast<std::uint32_t>(i), c1[i] = 77u + 3u * static_cast<std::uint32_t>(i), c2[i] = 0xFFFFFFFFu,
      c3[i] = 0x00010002u;
    const auto in0 = c0, in1 = c1, in2 = c2, in3 = c3;
    philox_rounds(c0.data(), c1.data(), c2.data(), c3.data(), n, key.v[0], key.v[1]);
    for (std::size_t i = 0; i < n; ++i) {
      const auto w = rng({{in0[i], in1[i], in2[i], in3[i]}}, key);
      ASSERT_EQ(c0[i], w.v[0]) << n << " " << i;
      ASSERT_EQ(c1[i], w.v[1]) << n << " " << i;
      ASSERT_EQ(c2[i], w.v[2]) << n << " " << i;
      ASSERT_EQ(c3[i], w.v[3]) << n << " " << i;
    }
  }
}

TEST(VarPhilox, UniformsMatchThePlainConversionBitForBit) {
  // Extremes (all zero, all one, the sign bit, the last 11 bits dropped) and a spread of words.
  std::vector<std::uint32_t> hi = {0u, 0xFFFFFFFFu, 0x80000000u, 0x7FFFFFFFu, 1u, 0xFFFFFFFFu, 0u};
  std::vector<std::uint32_t> lo = {0u, 0xFFFFFFFFu, 0x80000000u, 0x000007FFu, 0xFFFFF800u, 0u, 0xFFFFFFFFu};
  for (std::uint32_t i = 0; i < 50; ++i) hi.push_back(i * 0x9E3779B9u), lo.push_back(i * 0x85EBCA6Bu + 12345u);
  std::vector<double> u(hi.size());
  philox_uniforms(hi.data(), lo.data(), hi.size(), u.data());
  for (std::size_t i = 0; i < hi.size(); ++i) {
    const std::uint64_t bits = (static_cast<std::uint64_t>(hi[i]) << 21) ^ (lo[i] >> 11);
    ASSERT_EQ(u[i], (static_cast<double>(bits) + 0.5) * 0x1.0p-53) << i;
    ASSERT_GT(u[i], 0.0);
    ASSERT_LE(u[i], 1.0);
  }
  // The smallest is 0.5 * 2^-53. The largest b = 2^53 - 1 makes b + 0.5 a tie that rounds to even,
  // 2^53, so u = 1 exactly (Box-Muller's log is then 0: a radius of 0, still finite).
  EXPECT_EQ(u[0], 0x1.0p-54);
  EXPECT_EQ(u[1], 1.0);
}

}  // namespace
}  // namespace qg::kernels::var
