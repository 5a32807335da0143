#pragma once
// Who may change what the live node trades: checks signed approval records (promote) and
// signed commands (rollback, resume) against the node's approvers, clock, versions, nonces and
// guardrails, and answers with a Decision. Every expected refusal is a returned value with the
// code of docs/operations.md, checked in the order documented there.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "qg/live/decision.hpp"
#include "qg/live/deployment.hpp"
#include "qg/live/live_config.hpp"

namespace qg::live {

class Authorizer {
 public:
  //! Checks against `approvers`, `guardrails` and `limits.command_max_age_s` of the config.
  explicit Authorizer(const LiveConfig& config);

  //! A promote request's "record": canonical and signed by an allow-listed approver whose id
  //! matches, not expired at `now`, a known strategy with valid parameters, a version above
  //! `highest_version`, within the guardrails. Accepted: the deployment to trade.
  Decision<Deployment> check_promotion(const nlohmann::json& request, std::int64_t highest_version,
                                       std::int64_t now) const;
  //! A request's signed "command" for `action` (rollback, resume): canonical, signed by an
  //! allow-listed approver, issued within command_max_age_s of `now`, with an unused nonce.
  //! Accepted: the command, and its nonce is remembered (older nonces are forgotten).
  Decision<nlohmann::json> check_command(const nlohmann::json& request, const std::string& action, std::int64_t now);

  //! Nonces of accepted commands with their issue time (persisted in state.json).
  const std::map<std::string, std::int64_t>& nonces() const { return nonces_; }
  void restore_nonces(std::map<std::string, std::int64_t> nonces) { nonces_ = std::move(nonces); }

 private:
  Decision<std::pair<nlohmann::json, std::string>> signed_field(const nlohmann::json& request, const char* key) const;
  std::optional<Rejection> check_signer(const nlohmann::json& obj, std::string_view domain,
                                        const std::string& what) const;
  std::optional<Rejection> check_expiry(const nlohmann::json& record, std::int64_t now) const;
  std::optional<Rejection> check_guardrails(const Deployment& d) const;
  std::optional<Rejection> check_overfitting(const Deployment& d) const;  // min_dsr, max_pbo when set
  std::optional<Rejection> check_model(const Deployment& d) const;        // model artifacts: min_cv_score
  std::optional<Rejection> check_issued(const nlohmann::json& cmd, std::int64_t now) const;

  std::vector<ApproverEntry> approvers_;
  Guardrails guardrails_;
  int command_max_age_s_;
  std::map<std::string, std::int64_t> nonces_;
};

}  // namespace qg::live
