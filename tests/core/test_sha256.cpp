// Sha256 / sha256_hex / sha256_file on both backends: the FIPS 180-4 example digests (FIPS 180-2 appendix B and
// the NIST example file SHA256.pdf), and libsodium's one-shot crypto_hash_sha256 as the reference on random
// bytes fed in random pieces.
#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <cstddef>
#include <random>
#include <string>
#include <vector>

#include "qg/core/error.hpp"
#include "qg/core/sha256.hpp"
#include "qg/core/sha256_backend.hpp"
#include "qg/core/sha256_blocks.hpp"
#include "qg_testing/temp_dir.hpp"

namespace qg {
namespace {

// Runs each test once per backend, then puts the process's own choice back.
class Sha256OnBackend : public ::testing::TestWithParam<Sha256Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Sha256Backend::sha_ni && !cpu_has_sha_ni()) GTEST_SKIP() << "CPU without SHA extensions";
    set_sha256_backend_for_testing(GetParam());
  }
  void TearDown() override { set_sha256_backend_for_testing(process_choice_); }

 private:
  Sha256Backend process_choice_ = sha256_backend();
};

std::vector<unsigned char> random_bytes(std::size_t size, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> byte(0, 255);
  std::vector<unsigned char> bytes(size);
  for (unsigned char& b : bytes) b = static_cast<unsigned char>(byte(rng));
  return bytes;
}

std::string sodium_hex(const std::vector<unsigned char>& bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, bytes.data(), bytes.size());
  char text[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(text, sizeof text, digest, sizeof digest);
  return text;
}

// Feeds `bytes` in pieces of 0..max_piece bytes (empty pieces included).
std::string hex_in_pieces(const std::vector<unsigned char>& bytes, std::size_t max_piece, std::mt19937_64& rng) {
  std::uniform_int_distribution<std::size_t> piece(0, max_piece);
  Sha256 hash;
  for (std::size_t at = 0; at < bytes.size();) {
    const std::size_t size = std::min(piece(rng), bytes.size() - at);
    hash.update(bytes.data() + at, size);
    at += size;
  }
  return hash.hex();
}

TEST_P(Sha256OnBackend, AbcMatchesFips180Example) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_P(Sha256OnBackend, TwoBlockMessageMatchesFips180Example) {
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_P(Sha256OnBackend, MillionAsMatchesFips180Example) {
  const std::string million(1000000, 'a');
  EXPECT_EQ(sha256_hex(million), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  Sha256 by_thousands;  // 1000 is no multiple of 64, so most updates start and end inside a block
  for (int i = 0; i < 1000; ++i) by_thousands.update(std::string_view(million).substr(0, 1000));
  EXPECT_EQ(by_thousands.hex(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_P(Sha256OnBackend, EmptyInput) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Sha256 nothing;
  nothing.update(nullptr, 0);
  EXPECT_EQ(nothing.hex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_P(Sha256OnBackend, EveryLengthUpTo300MatchesLibsodiumOneShot) {
  // Lengths 55, 56, 63, 64, 119, 120, 128 ... put the padding in one or two final blocks.
  std::mt19937_64 rng(20261201);
  for (std::size_t size = 0; size <= 300; ++size) {
    const std::vector<unsigned char> bytes = random_bytes(size, rng);
    const std::string expected = sodium_hex(bytes);
    Sha256 whole;
    whole.update(bytes.data(), bytes.size());
    EXPECT_EQ(whole.hex(), expected) << size << " bytes in one update";
    EXPECT_EQ(hex_in_pieces(bytes, 70, rng), expected) << size << " bytes in pieces";
  }
}

TEST_P(Sha256OnBackend, PiecesOfWholeBlocksMatchLibsodiumOneShot) {
  std::mt19937_64 rng(7);
  const std::vector<unsigned char> bytes = random_bytes(64 * 40, rng);
  Sha256 hash;
  for (std::size_t at = 0, blocks = 1; at < bytes.size(); at += 64 * blocks, blocks = blocks % 3 + 1)
    hash.update(bytes.data() + at, std::min(64 * blocks, bytes.size() - at));
  EXPECT_EQ(hash.hex(), sodium_hex(bytes));
}

TEST_P(Sha256OnBackend, MegabytesInRandomPiecesMatchLibsodiumOneShot) {
  std::mt19937_64 rng(42);
  const std::vector<unsigned char> bytes = random_bytes((3u << 20) + 13, rng);
  const std::string expected = sodium_hex(bytes);
  EXPECT_EQ(hex_in_pieces(bytes, 100000, rng), expected);
  EXPECT_EQ(hex_in_pieces(bytes, 200, rng), expected);
}

TEST_P(Sha256OnBackend, FileDigestEqualsBytesDigestAcrossBufferBoundaries) {
  testing::TempDir dir;
  std::string text;
  for (int i = 0; text.size() < (3u << 20) + 17; ++i) text += std::to_string(i) + ",";
  testing::write_text(dir / "big.txt", text);
  EXPECT_EQ(sha256_file(dir / "big.txt"), sha256_hex(text));
}

INSTANTIATE_TEST_SUITE_P(Backends, Sha256OnBackend, ::testing::Values(Sha256Backend::libsodium, Sha256Backend::sha_ni),
                         [](const ::testing::TestParamInfo<Sha256Backend>& info) {
                           return info.param == Sha256Backend::sha_ni ? "ShaNi" : "Libsodium";
                         });

TEST(Sha256, ProcessUsesShaNiExactlyWhenTheCpuHasIt) {
  EXPECT_EQ(sha256_backend() == Sha256Backend::sha_ni, cpu_has_sha_ni());
}

TEST(Sha256, MissingFileIsIoError) { EXPECT_THROW(sha256_file("/nonexistent/qg/file"), IoError); }

}  // namespace
}  // namespace qg
