#pragma once
// A deployment: an accepted approval record turned into what the node trades with.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "qg/kernels/strategy.hpp"

namespace qg::live {

//! Why a record or request is refused: a short code (docs/operations.md lists them all) and a
//! sentence for the operator.
struct Rejection {
  std::string code;
  std::string reason;
};

struct ModelArtifact;

struct Deployment {
  std::int64_t version = 0;
  std::string record_text;  // the signed bytes, as received
  std::string record_sha256;
  std::string approver;
  const kernels::Strategy* strategy = nullptr;
  kernels::PositionMode mode = kernels::PositionMode::kLongShort;
  std::string symbol;
  std::vector<double> params;  // in strategy->params() order
  nlohmann::json params_json;
  double cost_per_unit = 0.0;
  double size = 1.0;
  nlohmann::json metrics;                                 // evidence metrics
  nlohmann::json overfitting = nlohmann::json::object();  // evidence.overfitting; empty when the record has none
  //! Set for a `model` artifact (strategy is then null, params empty, mode from the signal rule).
  std::shared_ptr<const ModelArtifact> model;

  //! What status replies and events show of it.
  nlohmann::json summary() const;
};

//! Turns a decoded record into a deployment, checking the artifact (type, strategy kind,
//! mode, symbols, parameter names, ranges, integrality, strategy rules, cost and size) and the
//! types of the evidence read (metrics, and overfitting when present: an object). A `model`
//! artifact is checked by parse_model_artifact (model_artifact.hpp) instead of the strategy.
//! Throws Rejection; does not check signatures, expiry, versions or guardrails.
Deployment parse_deployment(const nlohmann::json& record, const std::string& record_text);

}  // namespace qg::live
