// sha256_blocks_shani against the plain-loop sha256_blocks_ref: random hash words and random blocks, one block
// and several per call. The reference itself is pinned by the FIPS 180-4 "abc" example, padded by hand.
#include <gtest/gtest.h>

#include <cstddef>
#include <random>
#include <vector>

#include "qg/core/sha256_blocks.hpp"

namespace qg {
namespace {

constexpr Sha256State kInitialHash = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

TEST(Sha256Blocks, ReferenceGivesFips180AbcDigest) {
  // "abc", then 0x80, zeros, and the length 24 bits in the last byte: FIPS 180-2 appendix B.1.
  std::vector<unsigned char> block(64, 0);
  block[0] = 'a';
  block[1] = 'b';
  block[2] = 'c';
  block[3] = 0x80;
  block[63] = 24;
  Sha256State state = kInitialHash;
  sha256_blocks_ref(state, block.data(), 1);
  const Sha256State expected = {0xba7816bf, 0x8f01cfea, 0x414140de, 0x5dae2223,
                                0xb00361a3, 0x96177a9c, 0xb410ff61, 0xf20015ad};
  EXPECT_EQ(state, expected);
}

TEST(Sha256Blocks, ShaNiEqualsReferenceOnRandomStatesAndBlocks) {
  if (!cpu_has_sha_ni()) GTEST_SKIP() << "CPU without SHA extensions";
  std::mt19937_64 rng(180);
  std::uniform_int_distribution<std::uint32_t> word;
  std::uniform_int_distribution<int> byte(0, 255);
  for (std::size_t count = 0; count <= 9; ++count) {
    for (int trial = 0; trial < 20; ++trial) {
      Sha256State state{};
      for (std::uint32_t& w : state) w = word(rng);
      std::vector<unsigned char> blocks(64 * count + 1);  // +1: an odd start address below
      for (unsigned char& b : blocks) b = static_cast<unsigned char>(byte(rng));
      const unsigned char* start = blocks.data() + (trial % 2);
      Sha256State reference = state;
      sha256_blocks_ref(reference, start, count);
      sha256_blocks_shani(state, start, count);
      EXPECT_EQ(state, reference) << count << " blocks, trial " << trial;
    }
  }
}

}  // namespace
}  // namespace qg
