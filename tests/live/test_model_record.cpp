// The `model` artifact on the promotion path: the record `quantgrid approve` builds of a train
// candidate (stored model, signal rule and its documented defaults, CV evidence), the node's
// checks of its artifact with clear refusals, guardrails.min_cv_score read from the config and
// compared in the direction of the scoring, and what status shows of a deployed model.
#include <gtest/gtest.h>

#include "live_fixture.hpp"
#include "model_fixture.hpp"
#include "qg/core/error.hpp"
#include "qg/live/authorizer.hpp"
#include "qg/live/canonical_json.hpp"
#include "qg/live/model_artifact.hpp"

namespace qg::live {
namespace {

using namespace testing;
namespace ml = kernels::ml;

const std::vector<ml::FeatureSpec> kSpecs = {{ml::FeatureKind::kLaggedReturns, 3}, {ml::FeatureKind::kRsi, 14}};

struct ModelRecord : ::testing::Test {
  ModelRecord() : keys(dir.path()), config(make_config(dir.path(), keys)) {}

  //! The candidate of a ridge (or logistic) model trained on 300 bars.
  static jobs::Candidate candidate(const std::string& kind = "ridge") {
    return train_model(make_bars("SYM", 300, 2), kSpecs, kind, 1.0).candidate;
  }
  //! The decoded record of a draft signed by the approver.
  nlohmann::json record(const ApprovalDraft& d) const { return nlohmann::json::parse(signed_record(d, keys.approver)); }
  Decision<Deployment> check(const std::string& text) const {
    return Authorizer(config).check_promotion(nlohmann::json::parse(promote_request(text)), 0, now_unix());
  }
  Decision<Deployment> check(const ApprovalDraft& d) const { return check(signed_record(d, keys.approver)); }
  //! The record of `d` with its artifact edited by `edit`, re-signed.
  Decision<Deployment> check_edited(const ApprovalDraft& d, const std::function<void(nlohmann::json&)>& edit) const {
    nlohmann::json r = record(d);
    edit(r["artifact"]);
    sign_object(r, keys.approver, kApprovalDomain);
    return check(encode_signed(r));
  }

  TempDir dir;
  Keys keys;
  LiveConfig config;
};

TEST_F(ModelRecord, CarriesTheStoredModelTheRuleAndTheCvEvidence) {
  const jobs::Candidate c = candidate();
  const nlohmann::json r = record(model_draft(c, 1, "long_short"));
  const auto& art = r["artifact"];
  EXPECT_EQ(art["type"], "model");
  EXPECT_EQ(art["model"], "ridge");
  EXPECT_EQ(art["symbols"], nlohmann::json::array({"SYM"}));
  EXPECT_EQ(art["features"],
            nlohmann::json::parse(R"([{"kind":"lagged_returns","lags":3},{"kind":"rsi","period":14}])"));
  EXPECT_EQ(art["feature_names"], nlohmann::json::parse(R"(["ret_lag_1","ret_lag_2","ret_lag_3","rsi_14"])"));
  EXPECT_EQ(art["target"], "next_return");
  EXPECT_EQ(art["horizon"], 1);
  EXPECT_EQ(art["hyper_params"], nlohmann::json::parse(R"({"alpha":1.0})"));
  // Canonical numbers round-trip: the stored model is the fitted one bit for bit.
  EXPECT_EQ(art["scaler"]["mean"].get<std::vector<double>>(), c.model->scaler_mean);
  EXPECT_EQ(art["scaler"]["scale"].get<std::vector<double>>(), c.model->scaler_scale);
  EXPECT_EQ(art["coef"].get<std::vector<double>>(), c.model->coef);
  EXPECT_EQ(art["intercept"].get<double>(), c.model->intercept);
  // Regression defaults: long above 0, short below the same threshold.
  EXPECT_EQ(art["signal"],
            nlohmann::json::parse(R"({"long_above":0,"on":"prediction","rule":"long_short","short_below":0})"));
  EXPECT_EQ(art["size"], 1.0);
  EXPECT_EQ(r["evidence"]["cv"],
            nlohmann::json::parse(R"({"fold_scores":[0.7,0.68],"loss":true,"score":0.69,"scoring":"mse"})"));
  EXPECT_EQ(r["evidence"]["metrics"], nlohmann::json::parse(R"({"oos_mse":0.7})"));
  EXPECT_EQ(r["evidence"]["run_sha256"], std::string(64, 'a'));
  EXPECT_TRUE(signature_valid(r, kApprovalDomain));
}

TEST_F(ModelRecord, LogisticThresholdsAreOnTheProbability) {
  const auto art = record(model_draft(candidate("logistic"), 1, "long_flat"))["artifact"];
  EXPECT_EQ(art["signal"],
            nlohmann::json::parse(R"({"long_above":0.5,"on":"probability","rule":"long_flat","short_below":0.5})"));
  const auto custom = record(model_draft(candidate("logistic"), 1, "long_short", 0.6, 0.4))["artifact"];
  EXPECT_EQ(custom["signal"]["long_above"], 0.6);
  EXPECT_EQ(custom["signal"]["short_below"], 0.4);
}

TEST_F(ModelRecord, BuilderRefusesAnUnknownRuleAndCrossedThresholds) {
  EXPECT_THROW(model_draft(candidate(), 1, "short_only"), ConfigError);
  EXPECT_THROW(model_draft(candidate(), 1, "long_short", 0.1, 0.2), ConfigError);
}

TEST_F(ModelRecord, NodeAcceptsItAndStatusNamesTheModel) {
  const Decision<Deployment> r = check(model_draft(candidate(), 4, "long_short"));
  ASSERT_TRUE(r.accepted()) << r.refusal().reason;
  const Deployment& d = r.value();
  ASSERT_NE(d.model, nullptr);
  EXPECT_EQ(d.strategy, nullptr);
  EXPECT_EQ(d.mode, kernels::PositionMode::kLongShort);
  EXPECT_EQ(d.model->features.size(), 2u);
  EXPECT_EQ(d.summary()["strategy"], "model:ridge");
  EXPECT_EQ(d.summary()["mode"], "long_short");
  EXPECT_EQ(d.summary()["params"], nlohmann::json::parse(R"({"alpha":1.0})"));
}

TEST_F(ModelRecord, MalformedArtifactsAreRefusedWithReasons) {
  const ApprovalDraft d = model_draft(candidate(), 1, "long_short");
  auto refusal = [&](const std::function<void(nlohmann::json&)>& edit) {
    const auto r = check_edited(d, edit);
    return r.accepted() ? std::string("accepted") : r.refusal().code + ": " + r.refusal().reason;
  };
  EXPECT_EQ(refusal([](auto& a) { a["coef"].erase(0); }),
            "invalid_params: artifact.coef must hold 4 numbers, one per feature column");
  EXPECT_EQ(refusal([](auto& a) { a["scaler"]["scale"][1] = 0.0; }),
            "invalid_params: artifact.scaler.scale must be > 0");
  EXPECT_EQ(refusal([](auto& a) { a["features"][0]["kind"] = "macd"; }), "invalid_params: unknown feature kind 'macd'");
  EXPECT_EQ(refusal([](auto& a) { a["features"][1]["period"] = 0; }),
            "invalid_params: feature rsi needs period (an integer >= 1) and nothing else");
  EXPECT_EQ(refusal([](auto& a) { a["model"] = "forest"; }),
            "invalid_params: artifact.model must be ridge, logistic or elastic_net");
  EXPECT_EQ(refusal([](auto& a) { a["signal"]["rule"] = "short_only"; }),
            "invalid_params: signal rule must be long_flat or long_short, not 'short_only'");
  EXPECT_EQ(refusal([](auto& a) { a["signal"]["short_below"] = 1.0; }),
            "invalid_params: signal: short_below must be <= long_above");
  EXPECT_EQ(refusal([](auto& a) { a.erase("intercept"); }), "bad_record: artifact.intercept is missing");
  EXPECT_EQ(refusal([](auto& a) { a["size"] = 0.0; }), "invalid_params: size must be > 0");
}

TEST_F(ModelRecord, MinCvScoreIsAMaximumForALoss) {
  const ApprovalDraft d = model_draft(candidate(), 1, "long_short");  // mse 0.69
  EXPECT_TRUE(check(d).accepted());                                   // unset: not checked
  config.guardrails.min_cv_score = 0.7;
  EXPECT_TRUE(check(d).accepted());
  config.guardrails.min_cv_score = 0.5;
  const auto r = check(d);
  ASSERT_FALSE(r.accepted());
  EXPECT_EQ(r.refusal().code, "guardrail");
  EXPECT_EQ(r.refusal().reason, "cv mse 0.69 exceeds guardrails.min_cv_score 0.5 (a loss: the bound is a maximum)");
}

TEST_F(ModelRecord, MinCvScoreIsAMinimumForAGain) {
  jobs::Candidate c = candidate();
  c.model->scoring = "r2", c.model->loss = false, c.model->cv_score = 0.02;
  config.guardrails.min_cv_score = 0.01;
  EXPECT_TRUE(check(model_draft(c, 1, "long_short")).accepted());
  config.guardrails.min_cv_score = 0.05;
  const auto r = check(model_draft(c, 1, "long_short"));
  ASSERT_FALSE(r.accepted());
  EXPECT_EQ(r.refusal().reason, "cv r2 0.02 is below guardrails.min_cv_score 0.05");
}

TEST_F(ModelRecord, SizeAndStrategyListGuardrailsApply) {
  config.guardrails.max_position = 0.5;
  EXPECT_EQ(check(model_draft(candidate(), 1, "long_short")).refusal().code, "guardrail");
  config.guardrails.max_position = 1.0;
  config.guardrails.strategies = {"sma_crossover"};
  const auto r = check(model_draft(candidate(), 1, "long_short"));
  ASSERT_FALSE(r.accepted());
  EXPECT_EQ(r.refusal().reason, "model artifacts are not in guardrails.strategies (list 'model' to allow them)");
  config.guardrails.strategies = {"sma_crossover", "model"};
  EXPECT_TRUE(check(model_draft(candidate(), 1, "long_short")).accepted());
}

TEST_F(ModelRecord, ConfigReadsMinCvScore) {
  const auto path = dir.path() / "node.yaml";
  write_text(path, "node:\n  server_key: keys/live\nguardrails:\n  min_cv_score: 0.00021\n");
  EXPECT_EQ(load_live_config(path).guardrails.min_cv_score, 0.00021);
  write_text(path, "node:\n  server_key: keys/live\nguardrails:\n  min_sharpe: 0\n");
  EXPECT_FALSE(load_live_config(path).guardrails.min_cv_score.has_value());
  write_text(path, "node:\n  server_key: keys/live\nguardrails:\n  min_cv_score: .inf\n");
  try {
    load_live_config(path);
    FAIL() << "an infinite bound loads";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), path.string() + ":4: guardrails.min_cv_score must be a finite number");
  }
}

}  // namespace
}  // namespace qg::live
