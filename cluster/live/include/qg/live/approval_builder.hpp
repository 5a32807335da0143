#pragma once
// From a reviewed run's candidate to the draft of an approval record: the artifact and the
// evidence come from the candidate, the approval fields from the approver's options.
#include <cstdint>
#include <optional>
#include <string>

#include "qg/live/approval.hpp"
#include "qg/jobs/job_kind.hpp"

namespace qg::live {

//! What the approver adds to a candidate (the options of `quantgrid approve`).
struct ApprovalOptions {
  std::string approver_id;
  std::string note;
  double expires_hours = 72.0;  // the record expires this long after approved_at
  std::int64_t version = 0;     // 0: now in milliseconds, so later approvals have larger versions
  double size = 1.0;            // units per signal
  std::string run_file;         // the run file's name as the evidence shows it
  std::int64_t now_ms = 0;      // the approval time, Unix milliseconds

  // model candidates only (docs/train.md, "Promoting a model")
  std::string signal_rule = "long_flat";  // long_flat | long_short
  std::optional<double> long_above;       // default: 0.5 for logistic (a probability), else 0
  std::optional<double> short_below;      // default: long_above
};

//! The draft of `candidate` approved with `options`: approved_at = now (seconds), expires_at =
//! approved_at + hours * 3600 (whole seconds), version = options.version or now_ms. A model
//! candidate gets the signal rule of the options; ConfigError when the rule is unknown or
//! short_below > long_above.
ApprovalDraft build_approval_draft(const jobs::Candidate& candidate, const ApprovalOptions& options);

//! What `quantgrid approve` prints of a draft's overfitting evidence: "DSR 0.97, PBO 0.125" (each
//! when the draft has it; six significant digits, "n/a" for NaN), empty when it has neither.
std::string overfitting_summary(const ApprovalDraft& draft);

}  // namespace qg::live
