// RFC 8785 (JSON Canonicalization Scheme) numbers and key order, against the RFC's own examples,
// and the canonical form an approval record is signed in (version 2: RFC 8785; version 1 still
// verifies in its %.17g form).
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <limits>

#include "live_fixture.hpp"
#include "qg/core/error.hpp"
#include "qg/live/authorizer.hpp"
#include "qg/live/canonical_json.hpp"
#include "qg/live/jcs.hpp"

namespace qg::live {
namespace {

using namespace testing;

// RFC 8785 Appendix B: IEEE 754 bit patterns and the text ECMAScript writes for them.
struct NumberCase {
  std::uint64_t bits;
  const char* text;
};
constexpr NumberCase kAppendixB[] = {
    {0x0000000000000000, "0"},
    {0x8000000000000000, "0"},
    {0x0000000000000001, "5e-324"},
    {0x8000000000000001, "-5e-324"},
    {0x7fefffffffffffff, "1.7976931348623157e+308"},
    {0xffefffffffffffff, "-1.7976931348623157e+308"},
    {0x4340000000000000, "9007199254740992"},
    {0xc340000000000000, "-9007199254740992"},
    {0x4430000000000000, "295147905179352830000"},
    {0x44b52d02c7e14af5, "9.999999999999997e+22"},
    {0x44b52d02c7e14af6, "1e+23"},
    {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
    {0x444b1ae4d6e2ef4e, "999999999999999700000"},
    {0x444b1ae4d6e2ef4f, "999999999999999900000"},
    {0x444b1ae4d6e2ef50, "1e+21"},
    {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
    {0x3eb0c6f7a0b5ed8d, "0.000001"},
    {0x41b3de4355555553, "333333333.3333332"},
    {0x41b3de4355555554, "333333333.33333325"},
    {0x41b3de4355555555, "333333333.3333333"},
    {0x41b3de4355555556, "333333333.3333334"},
    {0x41b3de4355555557, "333333333.33333343"},
    {0xbecbf647612f3696, "-0.0000033333333333333333"},
    {0x43143ff3c1cb0959, "1424953923781206.2"},
};

TEST(Jcs, NumbersAsRfc8785AppendixB) {
  for (const auto& c : kAppendixB) EXPECT_EQ(jcs_number(std::bit_cast<double>(c.bits)), c.text) << std::hex << c.bits;
  EXPECT_EQ(jcs_number(0.00029999999999999997), "0.0003");  // the cost that %.17g wrote long
  EXPECT_THROW(jcs_number(std::numeric_limits<double>::quiet_NaN()), DataError);
  EXPECT_THROW(jcs_number(-std::numeric_limits<double>::infinity()), DataError);
}

TEST(Jcs, IntegersAreTheDoublesTheyAre) {
  const auto encode = [](const nlohmann::json& j) { return canonical_json(j, CanonicalForm::rfc8785); };
  EXPECT_EQ(encode(std::int64_t{-42}), "-42");
  EXPECT_EQ(encode(std::int64_t{9007199254740992}), "9007199254740992");              // 2^53
  EXPECT_EQ(encode(std::uint64_t{10000000000000000000ULL}), "10000000000000000000");  // 1e19, exact
  EXPECT_THROW(encode(std::int64_t{9007199254740993}), DataError);                    // 2^53 + 1: no double holds it
  EXPECT_THROW(encode(std::uint64_t{18446744073709551615ULL}), DataError);
}

// RFC 8785 section 3.2.3: the sorted order of these keys by UTF-16 code units. The emoji (a
// surrogate pair, 0xD83D...) sorts before U+FB33, where UTF-8 byte order puts it after.
TEST(Jcs, KeysSortByUtf16CodeUnitsAsRfc8785Section323) {
  const auto j = nlohmann::json::parse(
      R"({"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One",)"
      R"("\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"})");
  const std::string expected = R"({"\r":"Carriage Return","1":"One",)"
                               "\"\xc2\x80\":\"Control\","
                               "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\","
                               "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\","
                               "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}";
  EXPECT_EQ(canonical_json(j, CanonicalForm::rfc8785), expected);
  EXPECT_LT(canonical_json(j).find("\xef\xac\xb3"), canonical_json(j).find("\xf0\x9f\x98\x80"));  // v1: bytes
}

TEST(Jcs, RejectsKeysThatAreNotUtf8) {
  EXPECT_THROW(jcs_key_less("\xff", "a"), DataError);
  EXPECT_THROW(jcs_key_less("a", "\xe2\x82"), DataError);  // truncated sequence
}

struct RecordForms : ::testing::Test {
  RecordForms() : keys(dir.path()) {}
  TempDir dir;
  Keys keys;
};

TEST_F(RecordForms, ApproveWritesVersion2InRfc8785Form) {
  ApprovalDraft d = make_draft(3);
  d.cost_per_unit = 0.0003;
  const nlohmann::json record = build_approval(d, keys.approver);
  EXPECT_EQ(record["format_version"], 2);
  EXPECT_EQ(canonical_form_of(record), CanonicalForm::rfc8785);
  const std::string text = encode_signed(record);
  EXPECT_NE(text.find(R"("cost_per_unit":0.0003,)"), std::string::npos);
  EXPECT_EQ(decode_signed(text), record);
  EXPECT_TRUE(signature_valid(record, kApprovalDomain));
}

//! A record as `approve` wrote it before version 2: format_version 1, signed in the v1 form.
nlohmann::json version1_record(const SigningKey& key) {
  ApprovalDraft d = make_draft(3);
  d.cost_per_unit = 0.0003;
  nlohmann::json record = build_approval(d, key);
  record["format_version"] = 1;
  sign_object(record, key, kApprovalDomain);
  return record;
}

TEST_F(RecordForms, Version1RecordsStillVerifyInTheirOwnForm) {
  const nlohmann::json record = version1_record(keys.approver);
  EXPECT_EQ(canonical_form_of(record), CanonicalForm::v1);
  const std::string text = encode_signed(record);
  EXPECT_NE(text.find(R"("cost_per_unit":0.00029999999999999997,)"), std::string::npos);
  EXPECT_EQ(decode_signed(text), record);
  EXPECT_TRUE(signature_valid(record, kApprovalDomain));
  // Re-encoded in the other form, the bytes are not the stored ones: refused as tampered.
  EXPECT_THROW(decode_signed(canonical_json(record, CanonicalForm::rfc8785)), DataError);
  const Authorizer auth(make_config(dir.path(), keys));
  EXPECT_TRUE(auth.check_promotion(nlohmann::json::parse(promote_request(text)), 0, now_unix()).accepted());
}

TEST_F(RecordForms, OtherFormatVersionsAreRefused) {
  nlohmann::json record = version1_record(keys.approver);
  record["format_version"] = 3;
  sign_object(record, keys.approver, kApprovalDomain);
  const Authorizer auth(make_config(dir.path(), keys));
  const auto decision =
      auth.check_promotion(nlohmann::json::parse(promote_request(encode_signed(record))), 0, now_unix());
  ASSERT_FALSE(decision.accepted());
  EXPECT_EQ(decision.refusal().code, "bad_record");
}

}  // namespace
}  // namespace qg::live
