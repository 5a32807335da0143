// The one-pass Box-Muller of fill_normals (kernels/src/var/vector_math.cpp: explicit AVX2 with
// libmvec, then libmvec's SSE functions and libm for the tail) against its plain-loop twin, bit
// for bit, over every tail size and loop length below 4; and both against Box-Muller written
// out with libm (log, cos, sin of the documented uniforms), to rounding.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numbers>
#include <vector>

#include "qg/kernels/var/normals.hpp"
#include "var/box_muller.hpp"
#include "var/philox.hpp"

namespace qg::kernels::var {
namespace {

struct Words {
  std::vector<std::uint32_t> c0, c1, c2, c3;
};

//! n Philox outputs (all ones and all zeros first: u1 = 1 and u1 = 2^-54, the radius's ends).
Words philox_words(std::size_t n) {
  Words w{std::vector<std::uint32_t>(n), std::vector<std::uint32_t>(n), std::vector<std::uint32_t>(n),
          std::vector<std::uint32_t>(n)};
  for (std::size_t i = 0; i < n; ++i)
    w.c0[i] = static_cast<std::uint32_t>(i), w.c1[i] = 5u, w.c2[i] = 9u, w.c3[i] = 0x00020000u;
  philox_rounds(w.c0.data(), w.c1.data(), w.c2.data(), w.c3.data(), n, 0xC0FFEEu, 42u);
  if (n > 0) w.c0[0] = w.c1[0] = 0xFFFFFFFFu;
  if (n > 1) w.c0[1] = w.c1[1] = 0u;
  return w;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

TEST(VarBoxMuller, OnePassMatchesThePlainLoopsBitForBit) {
  std::vector<std::size_t> lengths;
  for (std::size_t n = 0; n <= 41; ++n) lengths.push_back(n);
  for (std::size_t n : {250u, 1000u, 1021u, 1022u, 1023u, 1024u}) lengths.push_back(n);
  for (std::size_t n : lengths) {
    const Words w = philox_words(n);
    std::vector<double> zc(n), zs(n), zc_ref(n), zs_ref(n), work(4 * n);
    box_muller_pairs(w.c0.data(), w.c1.data(), w.c2.data(), w.c3.data(), n, zc.data(), zs.data(), work.data());
    box_muller_pairs_ref(w.c0.data(), w.c1.data(), w.c2.data(), w.c3.data(), n, zc_ref.data(), zs_ref.data(),
                         work.data());
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_TRUE(same_bits(zc[i], zc_ref[i])) << n << " " << i << " " << zc[i] << " " << zc_ref[i];
      ASSERT_TRUE(same_bits(zs[i], zs_ref[i])) << n << " " << i << " " << zs[i] << " " << zs_ref[i];
    }
  }
}

TEST(VarBoxMuller, IsBoxMullerOfTheUniforms) {
  const std::size_t n = 1023;
  const Words w = philox_words(n);
  std::vector<double> zc(n), zs(n), work(4 * n), u1(n), u2(n);
  box_muller_pairs(w.c0.data(), w.c1.data(), w.c2.data(), w.c3.data(), n, zc.data(), zs.data(), work.data());
  philox_uniforms(w.c0.data(), w.c1.data(), n, u1.data());
  philox_uniforms(w.c2.data(), w.c3.data(), n, u2.data());
  for (std::size_t i = 0; i < n; ++i) {
    const double radius = std::sqrt(-2.0 * std::log(u1[i])), angle = 2.0 * std::numbers::pi * u2[i];
    ASSERT_NEAR(zc[i], radius * std::cos(angle), 1e-14 * std::max(1.0, radius)) << i;
    ASSERT_NEAR(zs[i], radius * std::sin(angle), 1e-14 * std::max(1.0, radius)) << i;
  }
  // u1 = 1 (all-ones words) gives a radius of exactly 0; u1 = 2^-54 the largest, sqrt(108 ln 2).
  EXPECT_EQ(zc[0], 0.0);
  EXPECT_EQ(zs[0], 0.0);
  EXPECT_NEAR(std::hypot(zc[1], zs[1]), std::sqrt(108.0 * std::numbers::ln2), 1e-13);
}

}  // namespace
}  // namespace qg::kernels::var

namespace qg::kernels::var {
namespace {

//! fill_normals written out plainly: one row at a time, Philox over the row's counters
//! (pair j, row, batch, stream), box_muller_pairs_ref over a pass of rows, interleaved.
std::vector<double> plain_normals(const StreamKey& key, std::uint64_t first_row, std::size_t rows, std::size_t cols,
                                  std::size_t rows_per_pass) {
  const std::size_t pairs = (cols + 1) / 2;
  std::vector<double> out(rows * cols);
  for (std::size_t r0 = 0; r0 < rows; r0 += rows_per_pass) {
    const std::size_t nr = std::min(rows_per_pass, rows - r0), n = nr * pairs;
    std::vector<std::uint32_t> c0(n), c1(n), c2(n, static_cast<std::uint32_t>(key.batch)), c3(n, key.stream);
    for (std::size_t i = 0; i < n; ++i)
      c0[i] = static_cast<std::uint32_t>(i % pairs), c1[i] = static_cast<std::uint32_t>(first_row + r0 + i / pairs);
    philox_rounds(c0.data(), c1.data(), c2.data(), c3.data(), n, static_cast<std::uint32_t>(key.seed),
                  static_cast<std::uint32_t>(key.seed >> 32));
    std::vector<double> zc(n), zs(n), work(4 * n);
    box_muller_pairs_ref(c0.data(), c1.data(), c2.data(), c3.data(), n, zc.data(), zs.data(), work.data());
    for (std::size_t i = 0; i < n; ++i) {
      double* row = out.data() + (r0 + i / pairs) * cols;
      row[2 * (i % pairs)] = zc[i];
      if (2 * (i % pairs) + 1 < cols) row[2 * (i % pairs) + 1] = zs[i];
    }
  }
  return out;
}

TEST(VarBoxMuller, FillNormalsMatchesThePlainPassesBitForBit) {
  // Widths below and above the direct-store threshold (16 pairs), odd and even, passes of
  // 1024 / pairs rows (fill_normals' chunk) with every tail size of the last pass.
  NormalScratch scratch;
  const StreamKey key{0x123456789ull, 4, kShockStream};
  for (std::size_t cols : {1u, 3u, 30u, 31u, 32u, 33u, 63u, 250u, 500u, 501u, 2047u, 2050u}) {
    const std::size_t pairs = (cols + 1) / 2, per_pass = std::max<std::size_t>(1, 1024 / pairs);
    for (std::size_t rows : {1u, 2u, 3u, 7u, 37u, 130u}) {
      std::vector<double> fast(rows * cols);
      fill_normals(key, 1000, rows, cols, fast.data(), scratch);
      const std::vector<double> plain = plain_normals(key, 1000, rows, cols, per_pass);
      for (std::size_t i = 0; i < fast.size(); ++i)
        ASSERT_TRUE(same_bits(fast[i], plain[i])) << cols << " " << rows << " " << i;
    }
  }
}

}  // namespace
}  // namespace qg::kernels::var
