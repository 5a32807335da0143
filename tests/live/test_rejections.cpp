// Every rejection class of a promotion or signed command, through LiveNode::handle_request:
// each one is refused with its code, audited, published, and leaves the deployment unchanged.
#include <gtest/gtest.h>

#include "live_fixture.hpp"
#include "qg/live/audit_log.hpp"
#include "qg/live/live_node.hpp"
#include "qg/core/time.hpp"

namespace qg::live {
namespace {

using namespace testing;

class Rejections : public ::testing::Test {
 protected:
  Rejections() : keys_(dir_.path()), node_(make_config(dir_.path(), keys_), sink_) {}

  //! Sends a request; returns the reply after checking nothing changed when it was refused.
  nlohmann::json send(const std::string& request) {
    const auto before = node_.status();
    const auto reply = parse(node_.handle_request(request, "test-client"));
    if (!reply["ok"].get<bool>()) {
      EXPECT_EQ(node_.status()["target"], before["target"]);
      EXPECT_EQ(node_.status()["highest_version"], before["highest_version"]);
    }
    return reply;
  }
  void expect_code(const std::string& request, const std::string& code) {
    const std::size_t events = sink_.of("rejection").size();
    const auto reply = send(request);
    EXPECT_FALSE(reply["ok"].get<bool>());
    EXPECT_EQ(reply["code"], code) << reply.dump();
    EXPECT_FALSE(reply["reason"].get<std::string>().empty());
    EXPECT_EQ(sink_.of("rejection").size(), events + 1);
  }
  std::string command(const std::string& action, const nlohmann::json& extra, const SigningKey& key,
                      std::int64_t issued, const std::string& id = "alice") {
    return nlohmann::json{{"op", action}, {"command", encode_signed(build_command(action, extra, id, key, issued))}}
        .dump();
  }

  TempDir dir_;
  Keys keys_;
  RecordingSink sink_;
  LiveNode node_;
};

TEST_F(Rejections, ValidRecordIsAccepted) {
  const auto reply = send(promote_request(signed_record(make_draft(3), keys_.approver)));
  EXPECT_TRUE(reply["ok"].get<bool>()) << reply.dump();
  EXPECT_EQ(node_.status()["target"]["version"], 3);
  EXPECT_EQ(sink_.of("deployment").size(), 1u);
}

TEST_F(Rejections, Unsigned) {
  auto record = build_approval(make_draft(3), keys_.approver);
  record.erase("signature");
  expect_code(promote_request(encode_signed(record)), "unsigned");
}

TEST_F(Rejections, WronglySigned) {
  // Signed by the stranger, but claiming the allow-listed approver's key.
  auto record = build_approval(make_draft(3), keys_.stranger);
  record["approver"]["public_key"] = keys_.approver.public_hex;
  expect_code(promote_request(encode_signed(record)), "bad_signature");
}

TEST_F(Rejections, UnknownApprover) {
  expect_code(promote_request(signed_record(make_draft(3), keys_.stranger)), "unknown_approver");
  auto d = make_draft(3);
  d.approver_id = "mallory";  // the right key under another name
  expect_code(promote_request(signed_record(d, keys_.approver)), "unknown_approver");
}

TEST_F(Rejections, Expired) {
  auto d = make_draft(3);
  d.approved_at -= 7200;
  d.expires_at = now_unix() - 1;
  expect_code(promote_request(signed_record(d, keys_.approver)), "expired");
}

TEST_F(Rejections, ReplayedSameOrOlderVersion) {
  const std::string v5 = signed_record(make_draft(5), keys_.approver);
  ASSERT_TRUE(send(promote_request(v5))["ok"].get<bool>());
  expect_code(promote_request(v5), "replayed");
  expect_code(promote_request(signed_record(make_draft(4), keys_.approver)), "replayed");
  expect_code(promote_request(signed_record(make_draft(5, 3, 11), keys_.approver)), "replayed");
}

TEST_F(Rejections, TamperedOrMalformedRecord) {
  std::string text = signed_record(make_draft(3), keys_.approver);
  text[text.find("\"fast\":5") + 7] = '6';
  expect_code(promote_request(text), "bad_signature");
  expect_code(promote_request(text.substr(0, text.size() / 2)), "tampered");
  expect_code(nlohmann::json{{"op", "promote"}}.dump(), "bad_request");
  expect_code(nlohmann::json{{"op", "promote"}, {"record", 42}}.dump(), "bad_request");
}

TEST_F(Rejections, UnknownStrategyAndInvalidParams) {
  auto d = make_draft(3);
  d.strategy = "martingale";
  expect_code(promote_request(signed_record(d, keys_.approver)), "unknown_strategy");
  expect_code(promote_request(signed_record(make_draft(3, 0, 20), keys_.approver)), "invalid_params");
  expect_code(promote_request(signed_record(make_draft(3, 5.5, 20), keys_.approver)), "invalid_params");
  d = make_draft(3);
  d.params = {{"fast", 5}};
  expect_code(promote_request(signed_record(d, keys_.approver)), "invalid_params");
  d = make_draft(3);
  d.params.push_back({"extra", 1});
  expect_code(promote_request(signed_record(d, keys_.approver)), "invalid_params");
  d = make_draft(3);
  d.mode = "short_only";
  expect_code(promote_request(signed_record(d, keys_.approver)), "invalid_params");
}

TEST_F(Rejections, Guardrails) {
  auto d = make_draft(3);
  d.metrics = {{"sharpe", -200.0}, {"max_drawdown", 0.1}};
  expect_code(promote_request(signed_record(d, keys_.approver)), "guardrail");
  d.metrics = {{"sharpe", 1.0}, {"max_drawdown", 1.5}};
  expect_code(promote_request(signed_record(d, keys_.approver)), "guardrail");
  d.metrics = {{"sharpe", 1.0}};
  expect_code(promote_request(signed_record(d, keys_.approver)), "guardrail");
  d = make_draft(3);
  d.size = 2.0;
  expect_code(promote_request(signed_record(d, keys_.approver)), "guardrail");
}

// A model artifact without the fields `quantgrid approve` writes (here: an opaque payload) is
// refused as a bad record; well-formed ones are tested in test_model_record.cpp.
TEST_F(Rejections, ModelArtifactWithoutAModelIsABadRecord) {
  auto record = build_approval(make_draft(3), keys_.approver);
  record["artifact"] = {
      {"type", "model"}, {"model_kind", "gbm"}, {"payload_sha256", std::string(64, 'e')}, {"payload", "AAAA"}};
  sign_object(record, keys_.approver, kApprovalDomain);
  expect_code(promote_request(encode_signed(record)), "bad_record");
}

TEST_F(Rejections, UnknownArtifactType) {
  auto record = build_approval(make_draft(3), keys_.approver);
  record["artifact"]["type"] = "portfolio";
  sign_object(record, keys_.approver, kApprovalDomain);
  expect_code(promote_request(encode_signed(record)), "unsupported_artifact");
}

TEST_F(Rejections, BadRequests) {
  expect_code("not json", "bad_request");
  expect_code("[1,2,3]", "bad_request");
  expect_code(R"({"op":"launch_missiles"})", "bad_request");
  expect_code(R"({"op":7})", "bad_request");
}

TEST_F(Rejections, SignedCommands) {
  ASSERT_TRUE(send(promote_request(signed_record(make_draft(1), keys_.approver)))["ok"].get<bool>());
  expect_code(command("rollback", {{"from_version", 1}}, keys_.approver, now_unix()), "nothing_to_roll_back");
  ASSERT_TRUE(send(promote_request(signed_record(make_draft(2), keys_.approver)))["ok"].get<bool>());
  expect_code(command("rollback", {{"from_version", 2}}, keys_.stranger, now_unix()), "unknown_approver");
  expect_code(command("rollback", {{"from_version", 2}}, keys_.approver, now_unix() - 3600), "stale_command");
  expect_code(command("rollback", {{"from_version", 1}}, keys_.approver, now_unix()), "stale_command");
  // An approval record is not a command, whatever its signature.
  expect_code(nlohmann::json{{"op", "rollback"}, {"command", signed_record(make_draft(9), keys_.approver)}}.dump(),
              "bad_request");
  const std::string rollback = command("rollback", {{"from_version", 2}}, keys_.approver, now_unix());
  ASSERT_TRUE(send(rollback)["ok"].get<bool>());
  EXPECT_EQ(node_.status()["target"]["version"], 1);
  expect_code(rollback, "replayed");
  expect_code(command("resume", nlohmann::json::object(), keys_.approver, now_unix()), "not_halted");
  // Versions keep increasing past a rollback: the rolled-back record cannot come back.
  expect_code(promote_request(signed_record(make_draft(2), keys_.approver)), "replayed");
}

TEST_F(Rejections, EveryDecisionIsAudited) {
  send(promote_request(signed_record(make_draft(3), keys_.stranger)));
  send(promote_request(signed_record(make_draft(3), keys_.approver)));
  const auto check = verify_audit_file(dir_ / "state" / "audit.jsonl");
  ASSERT_TRUE(check.ok) << check.message;
  EXPECT_EQ(check.records, 3);  // node_started, promote_rejected, promotion_accepted
  const std::string log = read_text(dir_ / "state" / "audit.jsonl");
  EXPECT_NE(log.find("\"event\":\"promote_rejected\""), std::string::npos);
  EXPECT_NE(log.find("unknown_approver"), std::string::npos);
  EXPECT_NE(log.find("\"event\":\"promotion_accepted\""), std::string::npos);
}

}  // namespace
}  // namespace qg::live
