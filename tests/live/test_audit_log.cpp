// The hash-chained audit log: a clean log verifies; an edited, re-hashed, removed or torn
// record is found and named; the node refuses to start on a broken chain.
#include <gtest/gtest.h>

#include <sstream>

#include "live_fixture.hpp"
#include "qg/live/audit_log.hpp"
#include "qg/live/canonical_json.hpp"
#include "qg/live/live_node.hpp"
#include "qg/core/error.hpp"
#include "qg/core/sha256.hpp"

namespace qg::live {
namespace {

using namespace testing;

std::vector<std::string> lines_of(const std::filesystem::path& path) {
  std::istringstream in(read_text(path));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void write_lines(const std::filesystem::path& path, const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  write_text(path, text);
}

class AuditChain : public ::testing::Test {
 protected:
  void SetUp() override {
    AuditLog log(path_, false);
    for (int i = 0; i < 5; ++i) log.append("event", {{"i", i}, {"what", "decision " + std::to_string(i)}});
  }
  TempDir dir_;
  std::filesystem::path path_ = dir_ / "audit.jsonl";
};

TEST_F(AuditChain, CleanLogVerifies) {
  const auto check = verify_audit_file(path_);
  EXPECT_TRUE(check.ok) << check.message;
  EXPECT_EQ(check.records, 5);
  AuditLog reopened(path_, false);  // continues the chain
  reopened.append("more", nlohmann::json::object());
  EXPECT_EQ(verify_audit_file(path_).records, 6);
}

TEST_F(AuditChain, EditedRecordIsNamed) {
  auto lines = lines_of(path_);
  lines[2].replace(lines[2].find("decision 2"), 10, "decision 9");
  write_lines(path_, lines);
  const auto check = verify_audit_file(path_);
  EXPECT_FALSE(check.ok);
  EXPECT_EQ(check.bad_line, 3);
  EXPECT_NE(check.message.find("record 3"), std::string::npos) << check.message;
}

TEST_F(AuditChain, EditedAndRehashedRecordIsCaughtByTheNext) {
  auto lines = lines_of(path_);
  auto rec = nlohmann::json::parse(lines[1]);
  rec["details"]["what"] = "something else";
  rec.erase("hash");
  rec["hash"] = sha256_hex(canonical_json(rec));
  lines[1] = canonical_json(rec);
  write_lines(path_, lines);
  const auto check = verify_audit_file(path_);
  EXPECT_FALSE(check.ok);
  EXPECT_EQ(check.bad_line, 3);
  EXPECT_NE(check.message.find("record 2 was edited"), std::string::npos) << check.message;
}

TEST_F(AuditChain, RemovedRecordAndTornTailAreFound) {
  auto lines = lines_of(path_);
  lines.erase(lines.begin() + 3);
  write_lines(path_, lines);
  EXPECT_EQ(verify_audit_file(path_).bad_line, 4);
  write_text(path_, read_text(path_) + "{\"seq\":5");
  EXPECT_FALSE(verify_audit_file(path_).ok);
}

TEST_F(AuditChain, EveryByteEditIsDetected) {
  const std::string text = read_text(path_);
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '\n') continue;
    std::string bad = text;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    write_text(path_, bad);
    ASSERT_FALSE(verify_audit_file(path_).ok) << "byte " << i;
  }
}

TEST(AuditNode, RefusesToStartOnABrokenChain) {
  TempDir dir;
  Keys keys(dir.path());
  const auto config = make_config(dir.path(), keys);
  {
    RecordingSink sink;
    LiveNode node(config, sink);
    node.handle_request(promote_request(signed_record(make_draft(1), keys.approver)), "t");
  }
  const auto path = dir / "state" / "audit.jsonl";
  std::string text = read_text(path);
  text[text.find("promotion_accepted")] = 'P';
  write_text(path, text);
  RecordingSink sink;
  EXPECT_THROW(LiveNode(config, sink), DataError);
}

}  // namespace
}  // namespace qg::live
