#pragma once
// Approval records and signed commands (docs/operations.md, "Approval records").
//
// A signed object is a JSON object with an "approver" {id, public_key} and a "signature": the
// Ed25519 signature (hex) of DOMAIN + canonical_unsigned(object). Domains keep an approval
// from being replayed as a command and the other way round. On disk and on the wire a signed
// object is exactly canonical_json(object) (signature included) plus an optional trailing
// newline; any other byte sequence is refused, so no byte of a record can change unnoticed.
// The canonical form is the object's own: RFC 8785 for a record of format_version 2 (what
// `approve` writes), version 1 for older records and for commands (canonical_form_of).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "qg/jobs/model_candidate.hpp"
#include "qg/live/canonical_json.hpp"
#include "qg/live/keys.hpp"
#include "qg/core/time.hpp"

namespace qg::live {

inline constexpr std::string_view kApprovalFormat = "quantgrid-approval";
//! The format_version `approve` writes (RFC 8785 canonical JSON); records of version 1 (%.17g
//! numbers) are still read and verified.
inline constexpr int kApprovalFormatVersion = 2;
inline constexpr std::string_view kApprovalDomain = "quantgrid-approval-v1\n";
inline constexpr std::string_view kCommandDomain = "quantgrid-command-v1\n";

//! How a model's prediction becomes a position (docs/train.md, "Promoting a model"): long when
//! the prediction (a logistic model's probability) is above long_above; with long_short, short
//! when it is below short_below; flat otherwise.
struct SignalRule {
  std::string rule = "long_flat";  // long_flat | long_short
  double long_above = 0.0;
  double short_below = 0.0;
};

//! What `quantgrid approve` puts into a record about a sweep candidate or a trained model.
struct ApprovalDraft {
  // artifact
  std::string strategy;
  std::string mode;  // long_flat | long_short
  std::string symbol;
  std::vector<std::pair<std::string, double>> params;  // in the strategy's order
  double cost_per_unit = 0.0;
  double size = 1.0;  // units per signal
  //! Set: the record is a `model` artifact (strategy, mode and params unused) with this rule.
  std::optional<jobs::ModelCandidate> model;
  SignalRule signal;
  // evidence
  std::string run_file;
  std::string run_sha256;
  std::string results_digest;
  std::string spec_sha256;
  std::string data_sha256;
  std::string job_name;
  std::string selected_by;
  std::int64_t row = 0;
  std::int64_t combo = 0;
  std::vector<std::pair<std::string, double>> metrics;  // NaN is written as null
  //! The run's overfitting statistics (dsr, pbo, psr, dsr_n_eff, n_trials), NaN as null. Empty:
  //! the record has no evidence.overfitting, and encodes exactly as records did before it.
  std::vector<std::pair<std::string, double>> overfitting;
  // approval
  std::string approver_id;
  std::string note;
  std::int64_t version = 0;
  std::int64_t approved_at = 0;  // Unix seconds
  std::int64_t expires_at = 0;
};

//! Builds the record of a draft and signs it with `key`.
nlohmann::json build_approval(const ApprovalDraft& draft, const SigningKey& key);
//! Builds and signs a command ("rollback", "resume") with a fresh nonce; `extra` fields are
//! merged in (e.g. from_version).
nlohmann::json build_command(const std::string& action, const nlohmann::json& extra, const std::string& approver_id,
                             const SigningKey& key, std::int64_t now);

//! The canonical form `obj` is signed and stored in: RFC 8785 when its format_version is 2 or
//! more, version 1 otherwise (version-1 records, commands).
CanonicalForm canonical_form_of(const nlohmann::json& obj);
//! Sets obj["approver"]["public_key"] and obj["signature"] (signing DOMAIN + canonical bytes).
void sign_object(nlohmann::json& obj, const SigningKey& key, std::string_view domain);
//! True when obj carries a signature that verifies against obj.approver.public_key.
bool signature_valid(const nlohmann::json& obj, std::string_view domain);
//! The bytes a signed object is stored and sent as: canonical_json(obj) + "\n".
std::string encode_signed(const nlohmann::json& obj);
//! Parses stored bytes and checks they are in canonical form; DataError says why not.
nlohmann::json decode_signed(std::string_view text);

}  // namespace qg::live
