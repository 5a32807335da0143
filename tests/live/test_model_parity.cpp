// Parity of a deployed model: replaying the training bars through the live node gives, on every
// sample, the refit predictions the training code computes from its fitted model (to 1e-12),
// and from the stored record's scaler and coefficients applied to the batch features; before
// the features are defined the node stays flat; and its positions are the signal rule applied
// offline (a plain loop here) to those predictions. Ridge, logistic and elastic net; both rules;
// a deployment made after 400 bars, and a node restarted after 600, warm up on the node's
// history and still agree.
#include <gtest/gtest.h>

#include <cmath>

#include "live_fixture.hpp"
#include "model_fixture.hpp"
#include "qg/live/live_node.hpp"

namespace qg::live {
namespace {

using namespace testing;
namespace ml = kernels::ml;

const std::vector<ml::FeatureSpec> kSpecs = {{ml::FeatureKind::kLaggedReturns, 5}, {ml::FeatureKind::kVolatility, 5},
                                             {ml::FeatureKind::kRsi, 14},          {ml::FeatureKind::kSmaRatio, 10},
                                             {ml::FeatureKind::kZscore, 20},       {ml::FeatureKind::kSkew, 10}};

//! The offline rule: long above long_above; short below short_below under long_short; else flat.
double offline_position(double p, const ApprovalDraft& d) {
  if (std::isnan(p)) return 0.0;
  if (p > d.signal.long_above) return 1.0;
  if (d.signal.rule == "long_short" && p < d.signal.short_below) return -1.0;
  return 0.0;
}

//! Predictions from the record's stored numbers on the batch feature rows (NaN before defined).
std::vector<double> stored_model_predictions(const nlohmann::json& art, const Eigen::MatrixXd& x) {
  const auto mean = art["scaler"]["mean"].get<std::vector<double>>();
  const auto scale = art["scaler"]["scale"].get<std::vector<double>>();
  const auto coef = art["coef"].get<std::vector<double>>();
  std::vector<double> out;
  for (Eigen::Index t = 0; t < x.rows(); ++t) {
    double z = art["intercept"].get<double>();
    for (std::size_t j = 0; j < coef.size(); ++j)
      z += coef[j] * (x(t, static_cast<Eigen::Index>(j)) - mean[j]) / scale[j];
    out.push_back(art["model"] == "logistic" ? 1.0 / (1.0 + std::exp(-z)) : z);
  }
  return out;
}

void check_model_parity(const std::string& kind, double hyper, const std::string& rule, std::int64_t deploy_at = 0,
                        std::int64_t n_bars = 1500) {
  TempDir dir;
  Keys keys(dir.path());
  RecordingSink sink;
  LiveNode node(make_config(dir.path(), keys), sink);
  const auto bars = make_bars("SYM", n_bars, 7);
  const TrainedModel trained = train_model(bars, kSpecs, kind, hyper);
  const ApprovalDraft d = model_draft(trained.candidate, 1, rule);
  const std::string record = signed_record(d, keys.approver);
  const auto expected = stored_model_predictions(nlohmann::json::parse(record)["artifact"], trained.features);

  for (std::int64_t t = 0; t < deploy_at; ++t) ASSERT_TRUE(node.on_bar(bars[static_cast<std::size_t>(t)]));
  const auto reply = parse(node.handle_request(promote_request(record), "t"));
  ASSERT_TRUE(reply["ok"].get<bool>()) << reply.dump();
  for (auto t = static_cast<std::size_t>(deploy_at); t < bars.size(); ++t) ASSERT_TRUE(node.on_bar(bars[t]));

  const auto signals = sink.of("signal");
  ASSERT_EQ(static_cast<std::int64_t>(signals.size()), n_bars - deploy_at);
  int longs = 0, shorts = 0;
  for (std::size_t i = 0; i < signals.size(); ++i) {
    const auto t = static_cast<std::int64_t>(i) + deploy_at;
    const auto& body = signals[i].body;
    const double live = body["prediction"].is_number() ? body["prediction"].get<double>() : std::nan("");
    const double offline = expected[static_cast<std::size_t>(t)];
    if (t < trained.samples.first) {
      ASSERT_TRUE(std::isnan(live)) << kind << " bar " << t;
    } else {
      ASSERT_NEAR(live, offline, 1e-12) << kind << " bar " << t;
      const std::int64_t s = t - trained.samples.first;
      if (s < trained.samples.count) {
        ASSERT_NEAR(live, trained.refit_predictions(s), 1e-12) << kind << " sample " << s;
      }
    }
    ASSERT_EQ(body["signal"].get<double>(), offline_position(offline, d)) << kind << " bar " << t;
    longs += body["signal"].get<double>() > 0, shorts += body["signal"].get<double>() < 0;
  }
  EXPECT_GT(longs, 0) << kind << " never went long: the case proves little";
  if (rule == "long_short") {
    EXPECT_GT(shorts, 0) << kind << " never went short";
  } else {
    EXPECT_EQ(shorts, 0) << kind << " went short under long_flat";
  }
}

TEST(ModelParity, RidgeLongShort) { check_model_parity("ridge", 10.0, "long_short"); }
TEST(ModelParity, RidgeLongFlat) { check_model_parity("ridge", 1.0, "long_flat"); }
TEST(ModelParity, LogisticLongShortOnTheProbability) { check_model_parity("logistic", 1.0, "long_short"); }
TEST(ModelParity, ElasticNetLongShort) { check_model_parity("elastic_net", 1e-5, "long_short"); }
TEST(ModelParity, LateDeploymentWarmsUpOnTheHistory) { check_model_parity("ridge", 10.0, "long_short", 400); }
TEST(ModelParity, LongRunPastSeveralResyncs) { check_model_parity("logistic", 0.5, "long_flat", 0, 3000); }

// A node restarted mid-series restores the model deployment from its state and warms it up on
// the journaled bars: its positions after the restart are still the rule on the stored model's
// predictions over the whole series.
TEST(ModelParity, RestartRestoresTheModelAndItsFeatureHistory) {
  TempDir dir;
  Keys keys(dir.path());
  const auto config = make_config(dir.path(), keys);
  const auto bars = make_bars("SYM", 1000, 9);
  const TrainedModel trained = train_model(bars, kSpecs, "ridge", 10.0);
  const ApprovalDraft d = model_draft(trained.candidate, 1, "long_short");
  const std::string record = signed_record(d, keys.approver);
  const auto expected = stored_model_predictions(nlohmann::json::parse(record)["artifact"], trained.features);
  {
    RecordingSink sink;
    LiveNode node(config, sink);
    ASSERT_TRUE(parse(node.handle_request(promote_request(record), "t"))["ok"].get<bool>());
    for (std::size_t t = 0; t < 600; ++t) ASSERT_TRUE(node.on_bar(bars[t]));
  }
  RecordingSink sink;
  LiveNode restarted(config, sink);
  for (std::size_t t = 600; t < bars.size(); ++t) ASSERT_TRUE(restarted.on_bar(bars[t]));
  const auto signals = sink.of("signal");
  ASSERT_EQ(signals.size(), 400u);
  for (std::size_t i = 0; i < signals.size(); ++i) {
    const double offline = expected[600 + i];
    ASSERT_NEAR(signals[i].body["prediction"].get<double>(), offline, 1e-12) << "bar " << 600 + i;
    ASSERT_EQ(signals[i].body["signal"].get<double>(), offline_position(offline, d)) << "bar " << 600 + i;
  }
}

}  // namespace
}  // namespace qg::live
