#include "qg/live/approval.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "qg/live/canonical_json.hpp"
#include "qg/core/error.hpp"
#include "qg/kernels/ml/features.hpp"

namespace qg::live {
namespace {

nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json pairs_object(const std::vector<std::pair<std::string, double>>& pairs) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, value] : pairs) out[name] = number_or_null(value);
  return out;
}

nlohmann::json number_array(const std::vector<double>& values) {
  nlohmann::json out = nlohmann::json::array();
  for (double v : values) out.push_back(v);
  return out;
}

//! artifact of a `model` record: the model, its features, scaler, coefficients and signal rule.
nlohmann::json model_artifact(const ApprovalDraft& d) {
  const jobs::ModelCandidate& m = *d.model;
  nlohmann::json features = nlohmann::json::array();
  for (const auto& [kind, param] : m.features) {
    const auto k = kernels::ml::feature_kind(kind);
    features.push_back({{"kind", kind}, {std::string(kernels::ml::feature_param_name(*k)), param}});
  }
  return {{"type", "model"},
          {"model", m.kind},
          {"symbols", nlohmann::json::array({d.symbol})},
          {"features", features},
          {"feature_names", m.feature_names},
          {"target", m.target},
          {"horizon", m.horizon},
          {"hyper_params", pairs_object(m.hyper_params)},
          {"scaler", {{"mean", number_array(m.scaler_mean)}, {"scale", number_array(m.scaler_scale)}}},
          {"coef", number_array(m.coef)},
          {"intercept", m.intercept},
          {"signal",
           {{"rule", d.signal.rule},
            {"on", m.kind == "logistic" ? "probability" : "prediction"},
            {"long_above", d.signal.long_above},
            {"short_below", d.signal.short_below}}},
          {"cost_per_unit", d.cost_per_unit},
          {"size", d.size}};
}

nlohmann::json cv_evidence(const jobs::ModelCandidate& m) {
  return {{"scoring", m.scoring},
          {"loss", m.loss},
          {"score", number_or_null(m.cv_score)},
          {"fold_scores", number_array(m.fold_scores)}};
}

}  // namespace

nlohmann::json build_approval(const ApprovalDraft& d, const SigningKey& key) {
  nlohmann::json params = pairs_object(d.params);
  nlohmann::json record = {
      {"format", kApprovalFormat},
      {"format_version", kApprovalFormatVersion},
      {"version", d.version},
      {"artifact",
       {{"type", "strategy_params"},
        {"strategy", d.strategy},
        {"mode", d.mode},
        {"symbols", nlohmann::json::array({d.symbol})},
        {"params", params},
        {"cost_per_unit", d.cost_per_unit},
        {"size", d.size}}},
      {"evidence",
       {{"run_file", d.run_file},
        {"run_sha256", d.run_sha256},
        {"results_digest", d.results_digest},
        {"spec_sha256", d.spec_sha256},
        {"data_sha256", d.data_sha256},
        {"job_name", d.job_name},
        {"selected_by", d.selected_by},
        {"row", d.row},
        {"combo", d.combo},
        {"metrics", pairs_object(d.metrics)}}},
      {"approver", {{"id", d.approver_id}}},
      {"note", d.note},
      {"approved_at", iso_utc(d.approved_at)},
      {"expires_at", iso_utc(d.expires_at)},
  };
  if (!d.overfitting.empty()) record["evidence"]["overfitting"] = pairs_object(d.overfitting);
  if (d.model) {
    record["artifact"] = model_artifact(d);
    record["evidence"]["cv"] = cv_evidence(*d.model);
  }
  sign_object(record, key, kApprovalDomain);
  return record;
}

nlohmann::json build_command(const std::string& action, const nlohmann::json& extra, const std::string& approver_id,
                             const SigningKey& key, std::int64_t now) {
  nlohmann::json cmd = {{"format", "quantgrid-command"},
                        {"action", action},
                        {"issued_at", iso_utc(now)},
                        {"nonce", random_hex16()},
                        {"approver", {{"id", approver_id}}}};
  if (extra.is_object()) cmd.update(extra);
  sign_object(cmd, key, kCommandDomain);
  return cmd;
}

CanonicalForm canonical_form_of(const nlohmann::json& obj) {
  if (!obj.is_object()) return CanonicalForm::v1;
  const auto version = obj.find("format_version");
  const bool v2 = version != obj.end() && version->is_number_integer() && version->get<std::int64_t>() >= 2;
  return v2 ? CanonicalForm::rfc8785 : CanonicalForm::v1;
}

void sign_object(nlohmann::json& obj, const SigningKey& key, std::string_view domain) {
  obj["approver"]["public_key"] = key.public_hex;
  obj.erase("signature");
  std::string message(domain);
  message += canonical_unsigned(obj, canonical_form_of(obj));
  obj["signature"] = sign_hex(key, message);
}

bool signature_valid(const nlohmann::json& obj, std::string_view domain) {
  if (!obj.is_object() || !obj.contains("signature") || !obj["signature"].is_string()) return false;
  const auto approver = obj.find("approver");
  if (approver == obj.end() || !approver->is_object() || !approver->contains("public_key") ||
      !(*approver)["public_key"].is_string())
    return false;
  std::string message(domain);
  message += canonical_unsigned(obj, canonical_form_of(obj));
  return verify_hex((*approver)["public_key"].get<std::string>(), message, obj["signature"].get<std::string>());
}

std::string encode_signed(const nlohmann::json& obj) { return canonical_json(obj, canonical_form_of(obj)) + "\n"; }

nlohmann::json decode_signed(std::string_view text) {
  std::string_view body = text;
  if (!body.empty() && body.back() == '\n') body.remove_suffix(1);
  nlohmann::json obj = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
  if (obj.is_discarded()) throw DataError("not valid JSON");
  if (!obj.is_object()) throw DataError("not a JSON object");
  std::string canonical;
  try {
    canonical = canonical_json(obj, canonical_form_of(obj));
  } catch (const Error& e) {
    throw DataError(std::string("cannot be encoded canonically: ") + e.what());
  }
  if (canonical != body) throw DataError("not in canonical form: the bytes were edited or re-encoded");
  return obj;
}

}  // namespace qg::live
