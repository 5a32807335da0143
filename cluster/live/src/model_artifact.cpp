#include "qg/live/model_artifact.hpp"

#include <cmath>

#include "qg/kernels/ml/linear_model.hpp"
#include "qg/live/deployment.hpp"

namespace qg::live {
namespace {

[[noreturn]] void reject(const std::string& code, const std::string& reason) { throw Rejection{code, reason}; }

const nlohmann::json& field(const nlohmann::json& obj, const char* key, const std::string& where) {
  const auto it = obj.find(key);
  if (it == obj.end()) reject("bad_record", where + "." + key + " is missing");
  return *it;
}

double finite_number(const nlohmann::json& obj, const char* key, const std::string& where) {
  const auto& v = field(obj, key, where);
  if (!v.is_number() || !std::isfinite(v.get<double>()))
    reject("invalid_params", where + "." + key + " must be a finite number");
  return v.get<double>();
}

std::vector<double> numbers(const nlohmann::json& obj, const char* key, const std::string& where, std::size_t n) {
  const auto& arr = field(obj, key, where);
  if (!arr.is_array() || arr.size() != n)
    reject("invalid_params",
           where + "." + key + " must hold " + std::to_string(n) + " numbers, one per feature column");
  std::vector<double> out;
  for (const auto& v : arr) {
    if (!v.is_number() || !std::isfinite(v.get<double>()))
      reject("invalid_params", where + "." + key + " holds a value that is not a finite number");
    out.push_back(v.get<double>());
  }
  return out;
}

kernels::ml::FeatureSpec feature(const nlohmann::json& f) {
  if (!f.is_object() || !f.contains("kind") || !f["kind"].is_string())
    reject("bad_record", "artifact.features entries must be objects with a kind");
  const std::string name = f["kind"].get<std::string>();
  const auto kind = kernels::ml::feature_kind(name);
  if (!kind) reject("invalid_params", "unknown feature kind '" + name + "'");
  const std::string param(kernels::ml::feature_param_name(*kind));
  const auto it = f.find(param);
  if (f.size() != 2 || it == f.end() || !it->is_number_integer() ||
      it->get<int>() < kernels::ml::feature_min_param(*kind))
    reject("invalid_params", "feature " + name + " needs " + param + " (an integer >= " +
                                 std::to_string(kernels::ml::feature_min_param(*kind)) + ") and nothing else");
  return {*kind, it->get<int>()};
}

SignalRule signal_rule(const nlohmann::json& art) {
  const auto& s = field(art, "signal", "artifact");
  if (!s.is_object() || !s.contains("rule") || !s["rule"].is_string())
    reject("bad_record", "artifact.signal.rule is missing");
  SignalRule rule;
  rule.rule = s["rule"].get<std::string>();
  if (rule.rule != "long_flat" && rule.rule != "long_short")
    reject("invalid_params", "signal rule must be long_flat or long_short, not '" + rule.rule + "'");
  rule.long_above = finite_number(s, "long_above", "artifact.signal");
  rule.short_below = finite_number(s, "short_below", "artifact.signal");
  if (rule.short_below > rule.long_above) reject("invalid_params", "signal: short_below must be <= long_above");
  return rule;
}

void read_cv(const nlohmann::json& evidence, ModelArtifact& m) {
  const auto& cv = field(evidence, "cv", "evidence");
  if (!cv.is_object() || !cv.contains("scoring") || !cv["scoring"].is_string() || !cv.contains("loss") ||
      !cv["loss"].is_boolean())
    reject("bad_record", "evidence.cv needs scoring (text) and loss (true/false)");
  m.scoring = cv["scoring"].get<std::string>();
  m.loss = cv["loss"].get<bool>();
  const auto& score = field(cv, "score", "evidence.cv");
  m.cv_score = score.is_number() ? score.get<double>() : std::nan("");
}

}  // namespace

double ModelArtifact::predict(const double* row) const {
  double z = intercept;
  for (std::size_t j = 0; j < coef.size(); ++j) z += coef[j] * ((row[j] - mean[j]) / scale[j]);
  return probability ? kernels::ml::sigmoid(z) : z;
}

std::int8_t ModelArtifact::position(double prediction) const {
  if (prediction > signal.long_above) return 1;
  if (signal.rule == "long_short" && prediction < signal.short_below) return -1;
  return 0;
}

ModelArtifact parse_model_artifact(const nlohmann::json& art, const nlohmann::json& evidence) {
  ModelArtifact m;
  const auto& kind = field(art, "model", "artifact");
  m.kind = kind.is_string() ? kind.get<std::string>() : "";
  if (m.kind != "ridge" && m.kind != "logistic" && m.kind != "elastic_net")
    reject("invalid_params", "artifact.model must be ridge, logistic or elastic_net");
  m.probability = m.kind == "logistic";
  const auto& features = field(art, "features", "artifact");
  if (!features.is_array() || features.empty()) reject("bad_record", "artifact.features must be a non-empty list");
  for (const auto& f : features) m.features.push_back(feature(f));
  const auto n = static_cast<std::size_t>(kernels::ml::feature_columns(m.features));
  const auto& scaler = field(art, "scaler", "artifact");
  if (!scaler.is_object()) reject("bad_record", "artifact.scaler must be an object {mean, scale}");
  m.mean = numbers(scaler, "mean", "artifact.scaler", n);
  m.scale = numbers(scaler, "scale", "artifact.scaler", n);
  for (double s : m.scale)
    if (!(s > 0)) reject("invalid_params", "artifact.scaler.scale must be > 0");
  m.coef = numbers(art, "coef", "artifact", n);
  m.intercept = finite_number(art, "intercept", "artifact");
  m.signal = signal_rule(art);
  read_cv(evidence, m);
  return m;
}

}  // namespace qg::live
