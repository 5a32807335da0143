#include "qg/live/authorizer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <sstream>

#include "qg/core/error.hpp"
#include "qg/core/time.hpp"
#include "qg/live/approval.hpp"
#include "qg/live/model_artifact.hpp"

namespace qg::live {
namespace {

Rejection refusal(std::string code, std::string reason) { return Rejection{std::move(code), std::move(reason)}; }

//! obj[name] when it is a number; nullopt when it is missing, null or not a number.
std::optional<double> number_at(const nlohmann::json& obj, const char* name) {
  const auto it = obj.find(name);
  if (it == obj.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

//! Six significant digits: CV scores such as an mse of 0.000234 keep their digits.
std::string significant(double v) {
  std::ostringstream out;
  out << std::setprecision(6) << v;
  return out.str();
}

}  // namespace

Authorizer::Authorizer(const LiveConfig& config)
    : approvers_(config.approvers),
      guardrails_(config.guardrails),
      command_max_age_s_(config.limits.command_max_age_s) {}

Decision<Deployment> Authorizer::check_promotion(const nlohmann::json& request, std::int64_t highest_version,
                                                 std::int64_t now) const {
  auto field = signed_field(request, "record");
  if (!field) return Decision<Deployment>::refuse(field.refusal());
  const auto& [record, text] = field.value();
  const int format_version = record.value("format_version", 0);
  if (record.value("format", "") != kApprovalFormat || format_version < 1 || format_version > kApprovalFormatVersion)
    return Decision<Deployment>::refuse("bad_record", "not a quantgrid-approval record of format_version 1 or 2");
  if (auto why = check_signer(record, kApprovalDomain, "approval")) return Decision<Deployment>::refuse(*why);
  if (auto why = check_expiry(record, now)) return Decision<Deployment>::refuse(*why);
  Deployment d;
  try {
    d = parse_deployment(record, text);  // reports a bad artifact by throwing Rejection
  } catch (const Rejection& r) {
    return Decision<Deployment>::refuse(r);
  }
  if (d.version <= highest_version)
    return Decision<Deployment>::refuse("replayed", "version " + std::to_string(d.version) + " is not newer than " +
                                                        std::to_string(highest_version) + ", the newest accepted");
  if (auto why = check_guardrails(d)) return Decision<Deployment>::refuse(*why);
  return Decision<Deployment>::accept(std::move(d));
}

Decision<nlohmann::json> Authorizer::check_command(const nlohmann::json& request, const std::string& action,
                                                   std::int64_t now) {
  using Result = Decision<nlohmann::json>;
  auto field = signed_field(request, "command");
  if (!field) return Result::refuse(field.refusal());
  const nlohmann::json& cmd = field.value().first;
  if (cmd.value("format", "") != "quantgrid-command" || cmd.value("action", "") != action)
    return Result::refuse("bad_request", "command is not a signed '" + action + "' command");
  if (auto why = check_signer(cmd, kCommandDomain, action + " command")) return Result::refuse(*why);
  if (auto why = check_issued(cmd, now)) return Result::refuse(*why);
  const std::string nonce = cmd.value("nonce", "");
  if (nonce.empty()) return Result::refuse("bad_request", "command has no nonce");
  if (nonces_.contains(nonce)) return Result::refuse("replayed", "this command was already used");
  std::erase_if(nonces_, [&](const auto& kv) { return now - kv.second > command_max_age_s_; });
  nonces_[nonce] = *parse_iso_utc(cmd.value("issued_at", ""));
  return Result::accept(cmd);
}

// ---- the pieces, in the order the checks run ----

Decision<std::pair<nlohmann::json, std::string>> Authorizer::signed_field(const nlohmann::json& request,
                                                                          const char* key) const {
  using Result = Decision<std::pair<nlohmann::json, std::string>>;
  const auto it = request.find(key);
  if (it == request.end() || !it->is_string())
    return Result::refuse("bad_request", std::string("request needs '") + key + "' (text)");
  std::string text = it->get<std::string>();
  try {
    nlohmann::json decoded = decode_signed(text);  // DataError names what is not canonical
    return Result::accept({std::move(decoded), std::move(text)});
  } catch (const DataError& e) {
    return Result::refuse("tampered", std::string(key) + " refused: " + e.what());
  }
}

std::optional<Rejection> Authorizer::check_signer(const nlohmann::json& obj, std::string_view domain,
                                                  const std::string& what) const {
  const auto approver = obj.find("approver");
  if (!obj.contains("signature")) return refusal("unsigned", what + " carries no signature");
  if (approver == obj.end() || !approver->is_object() || !approver->contains("public_key") ||
      !approver->contains("id") || !(*approver)["public_key"].is_string() || !(*approver)["id"].is_string())
    return refusal("bad_record", what + ": approver {id, public_key} missing");
  const std::string key = (*approver)["public_key"].get<std::string>();
  const std::string id = (*approver)["id"].get<std::string>();
  const auto allowed =
      std::find_if(approvers_.begin(), approvers_.end(), [&](const ApproverEntry& a) { return a.public_hex == key; });
  if (allowed == approvers_.end())
    return refusal("unknown_approver",
                   what + ": approver key " + key.substr(0, 16) + "... is not in this node's approvers");
  if (allowed->id != id)
    return refusal("unknown_approver",
                   what + ": the key belongs to '" + allowed->id + "', the record says '" + id + "'");
  if (!signature_valid(obj, domain)) return refusal("bad_signature", what + ": the signature does not verify");
  return std::nullopt;
}

std::optional<Rejection> Authorizer::check_expiry(const nlohmann::json& record, std::int64_t now) const {
  const auto expires = parse_iso_utc(record.value("expires_at", ""));
  if (!expires) return refusal("bad_record", "expires_at missing or not ISO-8601 UTC");
  if (now >= *expires) return refusal("expired", "the approval expired at " + record["expires_at"].get<std::string>());
  return std::nullopt;
}

std::optional<Rejection> Authorizer::check_guardrails(const Deployment& d) const {
  const Guardrails& g = guardrails_;
  if (d.model) return check_model(d);
  const std::string kind(d.strategy->kind());
  if (!g.strategies.empty() && std::find(g.strategies.begin(), g.strategies.end(), kind) == g.strategies.end())
    return refusal("guardrail", "strategy '" + kind + "' is not in guardrails.strategies");
  const auto sharpe = number_at(d.metrics, "sharpe");
  if (!sharpe) return refusal("guardrail", "evidence lacks metric sharpe");
  if (*sharpe < g.min_sharpe)
    return refusal("guardrail", "sharpe " + std::to_string(*sharpe) + " is below guardrails.min_sharpe " +
                                    std::to_string(g.min_sharpe));
  const auto dd = number_at(d.metrics, "max_drawdown");
  if (!dd) return refusal("guardrail", "evidence lacks metric max_drawdown");
  if (*dd > g.max_drawdown)
    return refusal("guardrail", "max_drawdown " + std::to_string(*dd) + " exceeds guardrails.max_drawdown " +
                                    std::to_string(g.max_drawdown));
  if (g.min_trades) {
    const auto trades = number_at(d.metrics, "trades");
    if (!trades) return refusal("guardrail", "evidence lacks metric trades (guardrails.min_trades is set)");
    if (*trades < *g.min_trades)
      return refusal("guardrail", "trades " + std::to_string(*trades) + " is below guardrails.min_trades " +
                                      std::to_string(*g.min_trades));
  }
  if (auto why = check_overfitting(d)) return why;
  if (d.size > g.max_position)
    return refusal("guardrail", "size " + std::to_string(d.size) + " exceeds guardrails.max_position " +
                                    std::to_string(g.max_position));
  return std::nullopt;
}

std::optional<Rejection> Authorizer::check_overfitting(const Deployment& d) const {
  const Guardrails& g = guardrails_;
  if (g.min_dsr) {
    const auto dsr = number_at(d.overfitting, "dsr");
    if (!dsr) return refusal("guardrail", "evidence lacks overfitting statistic dsr (guardrails.min_dsr is set)");
    if (*dsr < *g.min_dsr)
      return refusal("guardrail",
                     "dsr " + std::to_string(*dsr) + " is below guardrails.min_dsr " + std::to_string(*g.min_dsr));
  }
  if (g.max_pbo) {
    const auto pbo = number_at(d.overfitting, "pbo");
    if (!pbo) return refusal("guardrail", "evidence lacks overfitting statistic pbo (guardrails.max_pbo is set)");
    if (*pbo > *g.max_pbo)
      return refusal("guardrail",
                     "pbo " + std::to_string(*pbo) + " exceeds guardrails.max_pbo " + std::to_string(*g.max_pbo));
  }
  return std::nullopt;
}

// A model's evidence is its cross-validation, not a backtest: min_sharpe and max_drawdown do not
// apply; min_cv_score does, in the direction of the scoring.
std::optional<Rejection> Authorizer::check_model(const Deployment& d) const {
  const Guardrails& g = guardrails_;
  const ModelArtifact& m = *d.model;
  if (!g.strategies.empty() && std::find(g.strategies.begin(), g.strategies.end(), "model") == g.strategies.end())
    return refusal("guardrail", "model artifacts are not in guardrails.strategies (list 'model' to allow them)");
  if (g.min_cv_score) {
    const std::string bound = significant(*g.min_cv_score), score = significant(m.cv_score);
    if (!std::isfinite(m.cv_score))
      return refusal("guardrail", "evidence lacks a cv score (guardrails.min_cv_score is set)");
    if (m.loss && m.cv_score > *g.min_cv_score)
      return refusal("guardrail", "cv " + m.scoring + " " + score + " exceeds guardrails.min_cv_score " + bound +
                                      " (a loss: the bound is a maximum)");
    if (!m.loss && m.cv_score < *g.min_cv_score)
      return refusal("guardrail", "cv " + m.scoring + " " + score + " is below guardrails.min_cv_score " + bound);
  }
  if (d.size > g.max_position)
    return refusal("guardrail", "size " + std::to_string(d.size) + " exceeds guardrails.max_position " +
                                    std::to_string(g.max_position));
  return std::nullopt;
}

std::optional<Rejection> Authorizer::check_issued(const nlohmann::json& cmd, std::int64_t now) const {
  const auto issued = parse_iso_utc(cmd.value("issued_at", ""));
  if (!issued || std::llabs(now - *issued) > command_max_age_s_)
    return refusal("stale_command", "issued_at is missing or more than command_max_age_s (" +
                                        std::to_string(command_max_age_s_) + " s) from the node's clock");
  return std::nullopt;
}

}  // namespace qg::live
