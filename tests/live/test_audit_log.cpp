// The hash-chained audit log: a clean log verifies; an edited, re-hashed, removed or torn
// record is found and named; a log cut short before a known head is caught; the node refuses
// to start on a broken chain or on a log that does not reach its state's audit_head.
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

// The expected heads below are the hashes the log itself reported while it was written (each
// append returns its record's hash), so the reference is the writer, not the verifier.
TEST(AuditHead, ALogCutBeforeAKnownHeadIsCaughtAndOneThatGoesOnIsNot) {
  TempDir dir;
  const auto path = dir / "audit.jsonl";
  std::vector<std::string> hashes;
  {
    AuditLog log(path, false);
    for (int i = 0; i < 4; ++i) hashes.push_back(log.append("event", {{"i", i}}));
  }
  const auto full = verify_audit_file(path, hashes[3]);
  EXPECT_TRUE(full.ok) << full.message;
  EXPECT_EQ(full.head_at, 4);
  EXPECT_EQ(verify_audit_file(path, hashes[1]).head_at, 2);  // records appended after a head are fine
  EXPECT_EQ(verify_audit_file(path, kAuditGenesis).head_at, 0);
  auto lines = lines_of(path);
  lines.pop_back();  // cut the last record off: the chain itself is still intact
  write_lines(path, lines);
  EXPECT_TRUE(verify_audit_file(path).ok);  // what the chain alone cannot see
  const auto cut = verify_audit_file(path, hashes[3]);
  EXPECT_FALSE(cut.ok);
  EXPECT_EQ(cut.records, 3);
  EXPECT_EQ(cut.bad_line, 0);
  EXPECT_NE(cut.message.find("never reaches the expected head " + hashes[3]), std::string::npos) << cut.message;
  EXPECT_THROW(AuditLog(path, false, hashes[3]), DataError);
  EXPECT_NO_THROW(AuditLog(path, false, hashes[2]));
}

TEST(AuditHead, AMissingLogIsRefusedWhenTheStateNamesAHead) {
  TempDir dir;
  EXPECT_THROW(AuditLog(dir / "audit.jsonl", false, std::string(64, 'a')), DataError);
  EXPECT_NO_THROW(AuditLog(dir / "fresh.jsonl", false, kAuditGenesis));
}

TEST(AuditNode, RefusesToRestartOnALogCutShortOfTheStatesHead) {
  TempDir dir;
  Keys keys(dir.path());
  const auto config = make_config(dir.path(), keys);
  {
    RecordingSink sink;
    LiveNode node(config, sink);
    node.handle_request(promote_request(signed_record(make_draft(1), keys.approver)), "t");
  }
  const auto path = dir / "state" / "audit.jsonl";
  const auto state = nlohmann::json::parse(read_text(dir / "state" / "state.json"));
  auto lines = lines_of(path);
  ASSERT_EQ(nlohmann::json::parse(lines.back())["hash"], state["audit_head"]);  // the state names the last record
  {  // an untouched log restarts (and the restart's own node_started becomes the new head)
    RecordingSink sink;
    EXPECT_NO_THROW(LiveNode(config, sink));
  }
  lines = lines_of(path);
  lines.pop_back();
  write_lines(path, lines);
  RecordingSink sink;
  try {
    LiveNode node(config, sink);
    ADD_FAILURE() << "a node restarted on a log cut short";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("does not match the node's state"), std::string::npos) << e.what();
  }
  std::filesystem::remove(path);
  EXPECT_THROW(LiveNode(config, sink), DataError);  // nor on a deleted one
}

}  // namespace
}  // namespace qg::live
