// Symbol names a store accepts, and how a long or binary field is quoted in a message. The
// UTF-8 cases follow the table of well-formed byte sequences in the Unicode Standard (ch. 3,
// table 3-7).
#include "symbol_name.hpp"

#include <gtest/gtest.h>

#include <string>

namespace qg::results {
namespace {

bool accepted(const std::string& name) { return symbol_name_problem(name).empty(); }

TEST(SymbolName, OrdinaryAndUnicodeNamesAreAccepted) {
  EXPECT_TRUE(accepted("AAPL"));
  EXPECT_TRUE(accepted("BRK.B"));
  EXPECT_TRUE(accepted("DAX \xE2\x82\xAC"));     // U+20AC, 3 bytes
  EXPECT_TRUE(accepted("\xF0\x9F\x93\x88"));     // U+1F4C8, 4 bytes
  EXPECT_TRUE(accepted(std::string(256, 'X')));  // exactly the cap
}

TEST(SymbolName, InvalidUtf8IsRefusedWithTheByteOffset) {
  EXPECT_NE(symbol_name_problem("AB\xFF").find("not valid UTF-8 (byte 2)"), std::string::npos);
  EXPECT_FALSE(accepted("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(accepted("\xED\xA0\x80"));      // a UTF-16 surrogate
  EXPECT_FALSE(accepted("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(accepted("\xE2\x82"));          // truncated sequence
}

TEST(SymbolName, NulControlSlashDotsEmptyAndLongAreRefused) {
  EXPECT_NE(symbol_name_problem(std::string("AB\0CD", 5)).find("control character"), std::string::npos);
  EXPECT_FALSE(accepted("A\tB"));
  EXPECT_FALSE(accepted("A/B"));
  EXPECT_FALSE(accepted("."));
  EXPECT_FALSE(accepted(".."));
  EXPECT_FALSE(accepted(""));
  EXPECT_NE(symbol_name_problem(std::string(257, 'X')).find("longer than 256 bytes"), std::string::npos);
}

TEST(SymbolName, QuoteStartShowsOnlyTheStart) {
  EXPECT_EQ(quote_start("abc"), "'abc'");
  EXPECT_EQ(quote_start(std::string(1000, 'x'), 5), "'xxxxx...' (1000 bytes)");
  EXPECT_EQ(quote_start("a\nb"), "'a?b'");
  EXPECT_EQ(quote_start("AB\xFF"), "'AB?'");  // a message stays valid UTF-8
  // Cut before a multi-byte character rather than inside it: "ab" + U+20AC at bytes 2..4.
  EXPECT_EQ(quote_start("ab\xE2\x82\xAC"
                        "cd",
                        3),
            "'ab...' (7 bytes)");
}

}  // namespace
}  // namespace qg::results
