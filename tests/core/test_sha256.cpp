// sha256_hex / sha256_file against the FIPS 180-2 published digests.
#include <gtest/gtest.h>

#include <string>

#include "qg/core/error.hpp"
#include "qg/core/sha256.hpp"
#include "qg_testing/temp_dir.hpp"

namespace qg {
namespace {

TEST(Sha256, AbcMatchesFips180Example) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, TwoBlockMessageMatchesFips180Example) {
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, EmptyInput) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, FileDigestEqualsBytesDigestAcrossBufferBoundaries) {
  testing::TempDir dir;
  std::string text;
  for (int i = 0; text.size() < (3u << 20) + 17; ++i) text += std::to_string(i) + ",";
  testing::write_text(dir / "big.txt", text);
  EXPECT_EQ(sha256_file(dir / "big.txt"), sha256_hex(text));
}

TEST(Sha256, MissingFileIsIoError) { EXPECT_THROW(sha256_file("/nonexistent/qg/file"), IoError); }

}  // namespace
}  // namespace qg
