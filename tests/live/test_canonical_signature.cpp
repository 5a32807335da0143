// The canonical encoding and Ed25519 signatures of approval records: exact bytes, and that a
// change to any single byte of a signed record is refused by the node.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "live_fixture.hpp"
#include "qg/live/canonical_json.hpp"
#include "qg/live/live_node.hpp"
#include "qg/core/error.hpp"

namespace qg::live {
namespace {

using namespace testing;

TEST(CanonicalJson, SortsKeysWithoutWhitespace) {
  const auto j = nlohmann::json::parse(R"({ "b" : 1, "a" : [true, null, "x"], "A": {"z": 2, "y": false} })");
  EXPECT_EQ(canonical_json(j), R"({"A":{"y":false,"z":2},"a":[true,null,"x"],"b":1})");
}

TEST(CanonicalJson, NumbersPrintWith17SignificantDigits) {
  EXPECT_EQ(canonical_json(0.1), "0.10000000000000001");
  EXPECT_EQ(canonical_json(5.0), "5");
  EXPECT_EQ(canonical_json(-0.0), "0");
  EXPECT_EQ(canonical_json(1e300), "1.0000000000000001e+300");
  EXPECT_EQ(canonical_json(std::int64_t{-42}), "-42");
  EXPECT_EQ(canonical_json(std::uint64_t{18446744073709551615ULL}), "18446744073709551615");
  EXPECT_THROW(canonical_json(std::numeric_limits<double>::quiet_NaN()), DataError);
  EXPECT_THROW(canonical_json(std::numeric_limits<double>::infinity()), DataError);
}

TEST(CanonicalJson, EscapesOnlyQuotesBackslashAndControlBytes) {
  EXPECT_EQ(canonical_json(std::string("a\"b\\c\n\t\x01/\xc3\xa9")), "\"a\\\"b\\\\c\\n\\t\\u0001/\xc3\xa9\"");
}

TEST(CanonicalJson, LeavesOutOnlyTheTopLevelSignature) {
  const auto j = nlohmann::json::parse(R"({"signature":"x","a":{"signature":"kept"}})");
  EXPECT_EQ(canonical_unsigned(j), R"({"a":{"signature":"kept"}})");
}

TEST(Signature, RoundTripsThroughTheStoredBytes) {
  TempDir dir;
  Keys keys(dir.path());
  const nlohmann::json record = build_approval(make_draft(1), keys.approver);
  EXPECT_TRUE(signature_valid(record, kApprovalDomain));
  EXPECT_FALSE(signature_valid(record, kCommandDomain));  // domains separate records from commands
  const std::string text = encode_signed(record);
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(decode_signed(text), record);
  EXPECT_THROW(decode_signed(record.dump(2)), DataError);  // pretty-printed is not canonical
}

TEST(Signature, EveryTamperedByteIsRejectedByTheNode) {
  TempDir dir;
  Keys keys(dir.path());
  RecordingSink sink;
  LiveNode node(make_config(dir.path(), keys), sink);
  const std::string text = signed_record(make_draft(7), keys.approver);
  const std::size_t body = text.size() - 1;  // the trailing newline is optional, so not counted
  int rejected = 0;
  for (std::size_t i = 0; i < body; ++i) {
    for (const unsigned char flip : {0x01, 0x20}) {
      std::string bad = text;
      bad[i] = static_cast<char>(static_cast<unsigned char>(bad[i]) ^ flip);
      const auto reply = parse(node.handle_request(promote_request(bad), "test"));
      ASSERT_FALSE(reply["ok"].get<bool>()) << "byte " << i << " ^ " << int(flip) << " accepted";
      ++rejected;
    }
  }
  EXPECT_EQ(rejected, static_cast<int>(2 * body));
  EXPECT_TRUE(node.status()["target"].is_null());
  EXPECT_TRUE(parse(node.handle_request(promote_request(text), "test"))["ok"].get<bool>());
}

}  // namespace
}  // namespace qg::live
