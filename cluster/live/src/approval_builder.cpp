#include "qg/live/approval_builder.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "qg/core/error.hpp"

namespace qg::live {
namespace {

SignalRule signal_rule(const jobs::ModelCandidate& m, const ApprovalOptions& o) {
  if (o.signal_rule != "long_flat" && o.signal_rule != "long_short")
    throw ConfigError("approve: --signal must be long_flat or long_short, not '" + o.signal_rule + "'");
  SignalRule rule;
  rule.rule = o.signal_rule;
  rule.long_above = o.long_above.value_or(m.kind == "logistic" ? 0.5 : 0.0);
  rule.short_below = o.short_below.value_or(rule.long_above);
  if (!std::isfinite(rule.long_above) || !std::isfinite(rule.short_below) || rule.short_below > rule.long_above)
    throw ConfigError("approve: the thresholds must be finite with --short-below <= --long-above");
  return rule;
}

}  // namespace

ApprovalDraft build_approval_draft(const jobs::Candidate& c, const ApprovalOptions& o) {
  ApprovalDraft d;
  // ---- artifact ----
  d.strategy = c.strategy;
  d.mode = c.mode;
  d.symbol = c.symbol;
  d.params = c.params;
  d.cost_per_unit = c.cost_per_unit;
  d.size = o.size;
  d.model = c.model;
  if (c.model) d.signal = signal_rule(*c.model, o);
  // ---- evidence ----
  d.run_file = o.run_file;
  d.run_sha256 = c.run_sha256;
  d.results_digest = c.results_digest;
  d.spec_sha256 = c.spec_sha256;
  d.data_sha256 = c.data_sha256;
  d.job_name = c.job_name;
  d.selected_by = c.selected_by;
  d.row = c.row;
  d.combo = c.combo;
  d.metrics = c.metrics;
  d.overfitting = c.overfitting;
  // ---- approval ----
  d.approver_id = o.approver_id;
  d.note = o.note;
  d.approved_at = o.now_ms / 1000;
  d.expires_at = d.approved_at + static_cast<std::int64_t>(o.expires_hours * 3600.0);
  d.version = o.version > 0 ? o.version : o.now_ms;
  return d;
}

std::string overfitting_summary(const ApprovalDraft& draft) {
  std::ostringstream out;
  for (const auto& [key, label] : {std::pair{"dsr", "DSR"}, std::pair{"pbo", "PBO"}}) {
    const auto it = std::find_if(draft.overfitting.begin(), draft.overfitting.end(),
                                 [key = key](const auto& stat) { return stat.first == key; });
    if (it == draft.overfitting.end()) continue;
    if (out.tellp() > 0) out << ", ";
    out << label << " ";
    if (std::isfinite(it->second))
      out << it->second;
    else
      out << "n/a";
  }
  return out.str();
}

}  // namespace qg::live
