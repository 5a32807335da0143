// journal_crc: the folded (PCLMULQDQ) CRC-32 equals its bit-by-bit reference and zlib's crc32()
// at every length around the folding sizes (16, 64) and at unaligned starts, continues across
// pieces, and gives the standard check value of CRC-32 (0xCBF43926 for "123456789").
#include <gtest/gtest.h>
#include <zlib.h>

#include <random>
#include <string>
#include <vector>

#include "qg/coordinator/journal_crc.hpp"

using qg::coordinator::journal_crc;
using qg::coordinator::journal_crc_ref;

namespace {

std::vector<char> random_bytes(std::size_t n) {
  std::mt19937 gen(7);
  std::vector<char> out(n);
  for (char& c : out) c = static_cast<char>(gen());
  return out;
}

std::uint32_t zlib_crc(std::span<const char> s) {
  return static_cast<std::uint32_t>(crc32_z(0, reinterpret_cast<const Bytef*>(s.data()), s.size()));
}

}  // namespace

TEST(JournalCrc, CheckValue) {
  const std::string check = "123456789";
  EXPECT_EQ(journal_crc(0, check), 0xCBF43926u);
  EXPECT_EQ(journal_crc_ref(0, check), 0xCBF43926u);
  EXPECT_EQ(journal_crc(0, std::span<const char>()), 0u);
}

TEST(JournalCrc, EqualsTheReferenceAndZlibAtEveryLengthAndOffset) {
  const auto bytes = random_bytes(1400);
  for (std::size_t offset = 0; offset < 4; ++offset) {
    for (std::size_t n = 0; n <= 1300; ++n) {
      const std::span<const char> s(bytes.data() + offset, n);
      const std::uint32_t expected = journal_crc_ref(0, s);
      ASSERT_EQ(journal_crc(0, s), expected) << "length " << n << ", offset " << offset;
      ASSERT_EQ(zlib_crc(s), expected) << "length " << n << ", offset " << offset;
    }
  }
}

TEST(JournalCrc, ContinuesAcrossPieces) {
  const auto bytes = random_bytes(3000);
  const std::span<const char> all(bytes);
  const std::uint32_t whole = journal_crc_ref(0, all);
  for (std::size_t cut : {0u, 1u, 15u, 64u, 100u, 1000u, 2999u, 3000u})
    EXPECT_EQ(journal_crc(journal_crc(0, all.first(cut)), all.subspan(cut)), whole) << "cut at " << cut;
}

TEST(JournalCrc, SeesEveryBitFlip) {
  auto bytes = random_bytes(900);  // a dispatch-bound run's record size
  const std::uint32_t clean = journal_crc(0, bytes);
  for (std::size_t i = 0; i < bytes.size(); i += 37) {
    bytes[i] = static_cast<char>(bytes[i] ^ 0x10);
    EXPECT_NE(journal_crc(0, bytes), clean) << "byte " << i;
    EXPECT_EQ(journal_crc(0, bytes), journal_crc_ref(0, bytes)) << "byte " << i;
    bytes[i] = static_cast<char>(bytes[i] ^ 0x10);
  }
}
