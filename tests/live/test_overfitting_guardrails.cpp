// Overfitting evidence on the promotion path: the builder copies a candidate's statistics into
// the draft, a record carries them as evidence.overfitting (and encodes exactly as before when
// there are none), the config reads guardrails.min_dsr / max_pbo with located errors, and the
// Authorizer refuses with "guardrail" what lacks them or falls outside them once they are set.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "live_fixture.hpp"
#include "qg/core/error.hpp"
#include "qg/core/time.hpp"
#include "qg/live/approval_builder.hpp"
#include "qg/live/authorizer.hpp"
#include "qg/live/canonical_json.hpp"

namespace qg::live {
namespace {

using namespace testing;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---- builder ----

TEST(OverfittingEvidence, BuilderCopiesTheCandidatesStatistics) {
  jobs::Candidate c;
  c.overfitting = {{"dsr", 0.97}, {"pbo", 0.125}, {"psr", 0.99}, {"dsr_n_eff", 0.98}, {"n_trials", 24623}};
  ApprovalOptions o;
  o.now_ms = 1795322923790;
  EXPECT_EQ(build_approval_draft(c, o).overfitting, c.overfitting);
  EXPECT_TRUE(build_approval_draft(jobs::Candidate{}, o).overfitting.empty());
}

TEST(OverfittingEvidence, SummaryNamesDsrAndPboWhenPresent) {
  ApprovalDraft d;
  EXPECT_EQ(overfitting_summary(d), "");
  d.overfitting = {{"n_trials", 24623}, {"psr", 0.5}};
  EXPECT_EQ(overfitting_summary(d), "");  // neither DSR nor PBO
  d.overfitting = {{"pbo", 0.0625}, {"n_trials", 24623}, {"dsr", 0.96875}};
  EXPECT_EQ(overfitting_summary(d), "DSR 0.96875, PBO 0.0625");  // DSR first, whatever the order
  d.overfitting = {{"dsr", kNaN}};
  EXPECT_EQ(overfitting_summary(d), "DSR n/a");
}

// ---- record encoding ----

//! make_draft with fixed times and exactly representable metrics, so the canonical bytes can be
//! written down by hand from the encoding rules of docs/operations.md.
ApprovalDraft fixed_draft() {
  ApprovalDraft d = make_draft(7);
  d.metrics = {{"sharpe", 1.25}, {"max_drawdown", 0.125}, {"total_return", 0.5}};
  d.row = 12;
  d.combo = 28;
  d.approved_at = 1795322923;        // 2026-11-22T04:48:43Z
  d.expires_at = 1795322923 + 3600;  // 2026-11-22T05:48:43Z
  return d;
}

//! The canonical unsigned record of fixed_draft() signed by `public_hex`, with `overfitting`
//! (already encoded, e.g. R"("overfitting":{...},)") placed where its key sorts in evidence.
std::string expected_unsigned(const std::string& public_hex, const std::string& overfitting = "") {
  return R"({"approved_at":"2026-11-22T04:48:43Z","approver":{"id":"alice","public_key":")" + public_hex +
         R"("},"artifact":{"cost_per_unit":0.0003,"mode":"long_short","params":{"fast":5,"slow":20},)"
         R"("size":1,"strategy":"sma_crossover","symbols":["SYM"],"type":"strategy_params"},)"
         R"("evidence":{"combo":28,"data_sha256":")" +
         std::string(64, 'd') +
         R"(","job_name":"test",)"
         R"("metrics":{"max_drawdown":0.125,"sharpe":1.25,"total_return":0.5},)" +
         overfitting + R"("results_digest":")" + std::string(64, 'b') +
         R"(","row":12,"run_file":"run.h5","run_sha256":")" + std::string(64, 'a') +
         R"(","selected_by":"highest sharpe","spec_sha256":")" + std::string(64, 'c') +
         R"("},"expires_at":"2026-11-22T05:48:43Z","format":"quantgrid-approval","format_version":2,)"
         R"("note":"reviewed","version":7})";
}

struct OverfittingRecord : ::testing::Test {
  OverfittingRecord() : keys(dir.path()) {}
  TempDir dir;
  Keys keys;
};

TEST_F(OverfittingRecord, WithoutStatisticsTheRecordEncodesAsBefore) {
  const nlohmann::json record = build_approval(fixed_draft(), keys.approver);
  const std::string expected = expected_unsigned(keys.approver.public_hex);
  EXPECT_EQ(canonical_unsigned(record, CanonicalForm::rfc8785), expected);
  EXPECT_FALSE(record["evidence"].contains("overfitting"));
  // What is signed is exactly those bytes, and the file is them with the signature sorted in.
  const std::string signature = record["signature"].get<std::string>();
  EXPECT_TRUE(verify_hex(keys.approver.public_hex, std::string(kApprovalDomain) + expected, signature));
  std::string file = expected;
  file.insert(file.find(R"("version":7})"), R"("signature":")" + signature + R"(",)");
  EXPECT_EQ(encode_signed(record), file + "\n");
}

TEST_F(OverfittingRecord, StatisticsAreAnObjectWithNaNAsNull) {
  ApprovalDraft d = fixed_draft();
  d.overfitting = {{"dsr", 0.96875}, {"pbo", 0.0625}, {"psr", kNaN}, {"n_trials", 24623}};
  const nlohmann::json record = build_approval(d, keys.approver);
  const std::string expected = expected_unsigned(
      keys.approver.public_hex, R"("overfitting":{"dsr":0.96875,"n_trials":24623,"pbo":0.0625,"psr":null},)");
  EXPECT_EQ(canonical_unsigned(record, CanonicalForm::rfc8785), expected);
  EXPECT_TRUE(signature_valid(record, kApprovalDomain));
  EXPECT_NO_THROW(decode_signed(encode_signed(record)));
}

// ---- config ----

struct OverfittingConfig : ::testing::Test {
  //! Loads a config whose guardrails section is `guardrails` (lines 3.. of the file).
  LiveConfig load(const std::string& guardrails) {
    write_text(path, "node:\n  server_key: keys/live\nguardrails:\n" + guardrails);
    return load_live_config(path);
  }
  //! The ConfigError message of loading it ("" when it loads).
  std::string error(const std::string& guardrails) {
    try {
      load(guardrails);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  }
  TempDir dir;
  std::filesystem::path path = dir.path() / "node.yaml";
};

TEST_F(OverfittingConfig, AbsentGuardrailsAreNotChecked) {
  const LiveConfig c = load("  min_sharpe: 0.5\n");
  EXPECT_FALSE(c.guardrails.min_dsr.has_value());
  EXPECT_FALSE(c.guardrails.max_pbo.has_value());
}

TEST_F(OverfittingConfig, ReadsMinDsrAndMaxPbo) {
  const LiveConfig c = load("  min_dsr: 0.95\n  max_pbo: 0.2\n");
  ASSERT_TRUE(c.guardrails.min_dsr.has_value());
  ASSERT_TRUE(c.guardrails.max_pbo.has_value());
  EXPECT_EQ(*c.guardrails.min_dsr, 0.95);
  EXPECT_EQ(*c.guardrails.max_pbo, 0.2);
}

TEST_F(OverfittingConfig, BadValuesNameFileAndLine) {
  const std::string file = path.string();
  EXPECT_EQ(error("  min_sharpe: 0\n  min_dsr: 1.5\n"),
            file + ":5: guardrails.min_dsr must be in [0, 1] (leave it out to not check it)");
  EXPECT_EQ(error("  max_pbo: -0.1\n"),
            file + ":4: guardrails.max_pbo must be in [0, 1] (leave it out to not check it)");
  EXPECT_EQ(error("  max_pbo: high\n"), file + ":4: max_pbo: wrong type");
  EXPECT_EQ(error("  max_pbo: .nan\n"),
            file + ":4: guardrails.max_pbo must be in [0, 1] (leave it out to not check it)");
  EXPECT_EQ(error("  min_psr: 0.9\n"), file + ":4: unknown key 'min_psr' in guardrails");
}

// ---- authorizer ----

struct OverfittingGuardrails : ::testing::Test {
  OverfittingGuardrails() : keys(dir.path()), config(make_config(dir.path(), keys)) {}

  //! The verdict of a node with `config` on draft `d` signed by the approver.
  Decision<Deployment> check(const ApprovalDraft& d) const {
    const Authorizer auth(config);
    return auth.check_promotion(nlohmann::json::parse(promote_request(signed_record(d, keys.approver))), 0, now_unix());
  }
  //! "accepted", or the refusal's code.
  std::string verdict(const ApprovalDraft& d) const {
    const Decision<Deployment> r = check(d);
    return r.accepted() ? "accepted" : r.refusal().code;
  }
  static ApprovalDraft with(std::vector<std::pair<std::string, double>> overfitting) {
    ApprovalDraft d = make_draft(3);
    d.overfitting = std::move(overfitting);
    return d;
  }

  TempDir dir;
  Keys keys;
  LiveConfig config;
};

TEST_F(OverfittingGuardrails, UnsetGuardrailsAcceptRecordsWithAndWithoutStatistics) {
  EXPECT_EQ(verdict(with({})), "accepted");
  EXPECT_EQ(verdict(with({{"dsr", 0.01}, {"pbo", 0.99}})), "accepted");
  EXPECT_EQ(verdict(with({{"dsr", kNaN}})), "accepted");
}

TEST_F(OverfittingGuardrails, AcceptedDeploymentKeepsTheEvidence) {
  const Decision<Deployment> r = check(with({{"dsr", 0.96875}, {"pbo", 0.0625}}));
  ASSERT_TRUE(r.accepted()) << r.refusal().reason;
  EXPECT_EQ(r.value().overfitting, (nlohmann::json{{"dsr", 0.96875}, {"pbo", 0.0625}}));
  EXPECT_TRUE(check(with({})).value().overfitting.empty());
}

TEST_F(OverfittingGuardrails, MinDsrRefusesMissingNullAndLowValues) {
  config.guardrails.min_dsr = 0.95;
  const Decision<Deployment> missing = check(with({}));
  ASSERT_FALSE(missing.accepted());
  EXPECT_EQ(missing.refusal().code, "guardrail");
  EXPECT_EQ(missing.refusal().reason, "evidence lacks overfitting statistic dsr (guardrails.min_dsr is set)");
  EXPECT_EQ(verdict(with({{"pbo", 0.1}})), "guardrail");   // other statistics do not stand in for it
  EXPECT_EQ(verdict(with({{"dsr", kNaN}})), "guardrail");  // written as null
  const Decision<Deployment> low = check(with({{"dsr", 0.9}}));
  ASSERT_FALSE(low.accepted());
  EXPECT_EQ(low.refusal().code, "guardrail");
  EXPECT_EQ(low.refusal().reason, "dsr 0.900000 is below guardrails.min_dsr 0.950000");
  EXPECT_EQ(verdict(with({{"dsr", 0.95}})), "accepted");  // the bound itself passes (>=)
  EXPECT_EQ(verdict(with({{"dsr", 0.99}})), "accepted");  // max_pbo unset: pbo not needed
}

TEST_F(OverfittingGuardrails, MaxPboRefusesMissingNullAndHighValues) {
  config.guardrails.max_pbo = 0.2;
  EXPECT_EQ(verdict(with({})), "guardrail");
  EXPECT_EQ(verdict(with({{"pbo", kNaN}})), "guardrail");
  const Decision<Deployment> high = check(with({{"pbo", 0.25}}));
  ASSERT_FALSE(high.accepted());
  EXPECT_EQ(high.refusal().code, "guardrail");
  EXPECT_EQ(high.refusal().reason, "pbo 0.250000 exceeds guardrails.max_pbo 0.200000");
  EXPECT_EQ(verdict(with({{"pbo", 0.2}})), "accepted");  // the bound itself passes (<=)
  EXPECT_EQ(verdict(with({{"pbo", 0.0}})), "accepted");
}

TEST_F(OverfittingGuardrails, BothSetNeedBoth) {
  config.guardrails.min_dsr = 0.95;
  config.guardrails.max_pbo = 0.2;
  EXPECT_EQ(verdict(with({{"dsr", 0.99}, {"pbo", 0.1}})), "accepted");
  const Decision<Deployment> no_pbo = check(with({{"dsr", 0.99}}));
  ASSERT_FALSE(no_pbo.accepted());
  EXPECT_EQ(no_pbo.refusal().reason, "evidence lacks overfitting statistic pbo (guardrails.max_pbo is set)");
  // The order of docs/operations.md: sharpe, max_drawdown, dsr, pbo, size.
  ApprovalDraft d = with({{"dsr", 0.5}, {"pbo", 0.9}});
  d.size = 2.0;
  EXPECT_EQ(check(d).refusal().reason.rfind("dsr ", 0), 0u) << check(d).refusal().reason;
  d.metrics = {{"sharpe", -200.0}, {"max_drawdown", 0.1}};
  EXPECT_EQ(check(d).refusal().reason.rfind("sharpe ", 0), 0u) << check(d).refusal().reason;
}

TEST_F(OverfittingGuardrails, OverfittingThatIsNotAnObjectIsABadRecord) {
  nlohmann::json record = build_approval(make_draft(3), keys.approver);
  record["evidence"]["overfitting"] = nlohmann::json::array({0.99, 0.1});
  sign_object(record, keys.approver, kApprovalDomain);
  const Authorizer auth(config);
  const Decision<Deployment> r =
      auth.check_promotion(nlohmann::json::parse(promote_request(encode_signed(record))), 0, now_unix());
  ASSERT_FALSE(r.accepted());
  EXPECT_EQ(r.refusal().code, "bad_record");
  EXPECT_EQ(r.refusal().reason, "evidence.overfitting is missing or has the wrong type");
}

}  // namespace
}  // namespace qg::live
