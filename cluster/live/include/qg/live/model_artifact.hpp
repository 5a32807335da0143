#pragma once
// A `model` approval record's artifact as the live node trades it (docs/train.md, "Promoting a
// model"): the features to compute on each bar, the scaler and coefficients of the refitted
// model, the signal rule, and the cross-validation evidence the guardrails read.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "qg/kernels/ml/features.hpp"
#include "qg/live/approval.hpp"

namespace qg::live {

struct ModelArtifact {
  std::string kind;  // ridge | logistic | elastic_net
  std::vector<kernels::ml::FeatureSpec> features;
  std::vector<double> mean, scale, coef;  // per feature column, coefficients on standardised columns
  double intercept = 0.0;
  bool probability = false;  // logistic: the rule reads sigmoid(x b + b0)
  SignalRule signal;
  // evidence.cv
  std::string scoring;
  bool loss = false;  // a smaller score is better (mse, log_loss)
  double cv_score = 0.0;

  //! The model's output on one row of raw features: x b + b0 on the standardised row, passed
  //! through the sigmoid for logistic. NaN when a feature is not defined yet.
  double predict(const double* row) const;
  //! The signal rule on a prediction: +1 above long_above; -1 below short_below with long_short;
  //! 0 otherwise (and for NaN).
  std::int8_t position(double prediction) const;
};

//! Reads and checks artifact (type "model") and evidence.cv of a record: a known model kind,
//! features from the catalogue within their minimums, one finite mean, positive scale and
//! coefficient per feature column, a known signal rule with short_below <= long_above, and
//! evidence.cv {scoring, loss, score}. Throws Rejection (bad_record, invalid_params).
ModelArtifact parse_model_artifact(const nlohmann::json& artifact, const nlohmann::json& evidence);

}  // namespace qg::live
