// Authorizer: accepted records and commands, and each expected refusal returned as a value
// (code + reason) in the documented order, never thrown.
#include <gtest/gtest.h>

#include "live_fixture.hpp"
#include "qg/core/time.hpp"
#include "qg/live/authorizer.hpp"

namespace qg::live {
namespace {

using namespace testing;

struct AuthorizerTest : ::testing::Test {
  AuthorizerTest() : keys(dir.path()), config(make_config(dir.path(), keys)), auth(config) {}

  nlohmann::json promote(const ApprovalDraft& d, const SigningKey& key) {
    return nlohmann::json::parse(promote_request(signed_record(d, key)));
  }
  nlohmann::json command(const std::string& action, std::int64_t issued, const SigningKey& key) {
    return {{"op", action},
            {"command", encode_signed(build_command(action, {{"from_version", 2}}, "alice", key, issued))}};
  }
  //! The code of a refused promotion (fails the test when accepted).
  std::string promotion_code(const nlohmann::json& request, std::int64_t highest = 0) {
    const Decision<Deployment> d = auth.check_promotion(request, highest, now_unix());
    EXPECT_FALSE(d.accepted());
    return d.accepted() ? "accepted" : d.refusal().code;
  }

  TempDir dir;
  Keys keys;
  LiveConfig config;
  Authorizer auth;
};

TEST_F(AuthorizerTest, AcceptsAValidRecord) {
  const Decision<Deployment> d = auth.check_promotion(promote(make_draft(7, 5, 20), keys.approver), 6, now_unix());
  ASSERT_TRUE(d.accepted()) << d.refusal().reason;
  EXPECT_EQ(d.value().version, 7);
  EXPECT_EQ(d.value().symbol, "SYM");
  EXPECT_EQ(d.value().strategy->kind(), "sma_crossover");
  EXPECT_EQ(d.value().params, (std::vector<double>{5, 20}));
}

TEST_F(AuthorizerTest, RefusesWithCodesInsteadOfThrowing) {
  EXPECT_EQ(promotion_code(nlohmann::json{{"op", "promote"}}), "bad_request");
  nlohmann::json tampered = promote(make_draft(1), keys.approver);
  tampered["record"] = tampered["record"].get<std::string>() + " ";
  EXPECT_EQ(promotion_code(tampered), "tampered");
  EXPECT_EQ(promotion_code(promote(make_draft(1), keys.stranger)), "unknown_approver");
  ApprovalDraft expired = make_draft(1);
  expired.approved_at -= 7200;
  expired.expires_at = now_unix() - 10;
  EXPECT_EQ(promotion_code(promote(expired, keys.approver)), "expired");
  EXPECT_EQ(promotion_code(promote(make_draft(5), keys.approver), 5), "replayed");
  ApprovalDraft bad_params = make_draft(1, 0, 20);
  EXPECT_EQ(promotion_code(promote(bad_params, keys.approver)), "invalid_params");
  ApprovalDraft weak = make_draft(1);
  weak.metrics = {{"sharpe", -200.0}, {"max_drawdown", 0.1}};  // min_sharpe is -100 in make_config
  EXPECT_EQ(promotion_code(promote(weak, keys.approver)), "guardrail");
  ApprovalDraft big = make_draft(1);
  big.size = 2.0;  // max_position is 1
  EXPECT_EQ(promotion_code(promote(big, keys.approver)), "guardrail");
}

TEST_F(AuthorizerTest, GuardrailChecksRunInTheDocumentedOrder) {
  ApprovalDraft d = make_draft(1);
  d.metrics = {{"sharpe", -200.0}};  // below min_sharpe, and max_drawdown missing: sharpe comes first
  const Decision<Deployment> r = auth.check_promotion(promote(d, keys.approver), 0, now_unix());
  ASSERT_FALSE(r.accepted());
  EXPECT_NE(r.refusal().reason.find("sharpe"), std::string::npos) << r.refusal().reason;
}

TEST_F(AuthorizerTest, CommandNonceIsUsedOnce) {
  const nlohmann::json cmd = command("rollback", now_unix(), keys.approver);
  const Decision<nlohmann::json> first = auth.check_command(cmd, "rollback", now_unix());
  ASSERT_TRUE(first.accepted()) << first.refusal().reason;
  EXPECT_EQ(first.value()["from_version"], 2);
  EXPECT_EQ(auth.nonces().size(), 1u);
  const Decision<nlohmann::json> again = auth.check_command(cmd, "rollback", now_unix());
  ASSERT_FALSE(again.accepted());
  EXPECT_EQ(again.refusal().code, "replayed");
}

TEST_F(AuthorizerTest, RefusesStaleForeignAndMislabelledCommands) {
  const std::int64_t now = now_unix();
  const auto code = [&](const nlohmann::json& request, const std::string& action) {
    const Decision<nlohmann::json> d = auth.check_command(request, action, now);
    return d.accepted() ? std::string("accepted") : d.refusal().code;
  };
  EXPECT_EQ(code(command("rollback", now - config.limits.command_max_age_s - 5, keys.approver), "rollback"),
            "stale_command");
  EXPECT_EQ(code(command("rollback", now, keys.stranger), "rollback"), "unknown_approver");
  EXPECT_EQ(code(command("resume", now, keys.approver), "rollback"), "bad_request");
  EXPECT_TRUE(auth.nonces().empty());  // nothing refused is remembered
}

}  // namespace
}  // namespace qg::live
