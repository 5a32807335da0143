#pragma once
// A model trained in the test the way `job: train` refits its chosen set (features of every
// bar, samples from the first bar every feature is defined to the last with a label, the scaler
// fitted on every sample, the model on the standardised samples), as the candidate
// `quantgrid approve` reads from a train run.
#include <Eigen/Core>
#include <string>
#include <vector>

#include "live_fixture.hpp"
#include "qg/jobs/job_kind.hpp"
#include "qg/kernels/ml/features.hpp"
#include "qg/kernels/ml/linear_model.hpp"
#include "qg/kernels/ml/standardize.hpp"
#include "qg/kernels/ml/targets.hpp"
#include "qg/live/approval_builder.hpp"

namespace qg::live::testing {

struct TrainedModel {
  jobs::Candidate candidate;
  Eigen::MatrixXd features;           // every bar x every column (NaN before defined)
  kernels::ml::SampleRange samples;   // the refit's samples
  Eigen::VectorXd refit_predictions;  // the training code's predictions on its samples
};

inline std::vector<double> closes_of(const std::vector<FeedBar>& bars) {
  std::vector<double> c;
  for (const auto& b : bars) c.push_back(b.close);
  return c;
}

//! Trains `kind` (ridge alpha, logistic C, elastic_net alpha with l1_ratio 0.5) on the closes.
inline TrainedModel train_model(const std::vector<FeedBar>& bars, const std::vector<kernels::ml::FeatureSpec>& specs,
                                const std::string& kind, double hyper) {
  namespace ml = kernels::ml;
  TrainedModel out;
  const auto c = closes_of(bars);
  const auto n = static_cast<Eigen::Index>(c.size());
  out.features.resize(n, ml::feature_columns(specs));
  ml::compute_features(c, specs, out.features);
  out.samples = ml::sample_range(n, ml::features_first_bar(specs), 1);
  Eigen::VectorXd y(out.samples.count);
  const auto target = kind == "logistic" ? ml::TargetKind::kNextUp : ml::TargetKind::kNextReturn;
  ml::compute_targets(c, out.samples, target, 1, {y.data(), static_cast<std::size_t>(y.size())});
  Eigen::MatrixXd x = out.features.middleRows(out.samples.first, out.samples.count);
  const ml::Scaler scaler = ml::fit_scaler(x);
  ml::apply_scaler(scaler, x);
  const ml::LinearFit fit = kind == "ridge"      ? ml::fit_ridge(x, y, hyper)
                            : kind == "logistic" ? ml::fit_logistic(x, y, hyper)
                                                 : ml::fit_elastic_net(x, y, hyper, 0.5);
  out.refit_predictions = ml::predict_linear(fit, x);
  if (kind == "logistic")
    for (auto& v : out.refit_predictions) v = ml::sigmoid(v);

  jobs::ModelCandidate m;
  m.kind = kind;
  for (const auto& s : specs) m.features.emplace_back(std::string(ml::feature_kind_name(s.kind)), s.param);
  m.target = kind == "logistic" ? "next_up" : "next_return";
  m.feature_names = ml::feature_names(specs);
  m.scaler_mean.assign(scaler.mean.begin(), scaler.mean.end());
  m.scaler_scale.assign(scaler.scale.begin(), scaler.scale.end());
  m.coef.assign(fit.coef.begin(), fit.coef.end());
  m.intercept = fit.intercept;
  m.hyper_params = {{kind == "logistic" ? "C" : "alpha", hyper}};
  m.scoring = kind == "logistic" ? "log_loss" : "mse";
  m.loss = true;
  m.cv_score = 0.69;
  m.fold_scores = {0.7, 0.68};
  jobs::Candidate& cand = out.candidate;
  cand.model = m;
  cand.mode = "model";
  cand.symbol = bars.front().symbol;
  cand.selected_by = "lowest mean " + m.scoring + " over folds";
  cand.metrics = {{"oos_" + m.scoring, 0.7}};
  cand.job_name = "train-test";
  cand.spec_sha256 = std::string(64, 'c');
  cand.data_sha256 = std::string(64, 'd');
  cand.results_digest = std::string(64, 'b');
  cand.run_sha256 = std::string(64, 'a');
  return out;
}

//! The draft `quantgrid approve` builds of a model candidate, with `rule` and its default
//! thresholds unless given.
inline ApprovalDraft model_draft(const jobs::Candidate& c, std::int64_t version, const std::string& rule,
                                 std::optional<double> long_above = std::nullopt,
                                 std::optional<double> short_below = std::nullopt) {
  ApprovalOptions o;
  o.approver_id = "alice";
  o.version = version;
  o.run_file = "train.h5";
  o.now_ms = now_unix() * 1000;
  o.signal_rule = rule;
  o.long_above = long_above;
  o.short_below = short_below;
  return build_approval_draft(c, o);
}

}  // namespace qg::live::testing
