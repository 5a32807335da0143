// `quantgrid approve` (`keys generate`, which needs ZeroMQ for the CURVE pair, is in cmd_live.cpp).
#include <filesystem>
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "qg/live/approval.hpp"
#include "qg/live/approval_builder.hpp"
#include "qg/live/keys.hpp"
#include "qg/core/error.hpp"
#include "qg/core/time.hpp"
#include "qg/jobs/registry.hpp"
#include "qg/results/approvals.hpp"

namespace qg::app {

int cmd_approve(const ApproveArgs& args) {
  // ---- validate ----
  if (!args.best.empty() && args.row >= 0) throw ConfigError("approve: give at most one of --best METRIC or --row N");
  if (!(args.expires_hours > 0)) throw ConfigError("approve: --expires-in must be > 0 hours");
  if (std::filesystem::exists(args.out))
    throw ConfigError(args.out + ": exists already (approval records are never replaced)");
  // ---- pick the candidate (the run's job kind decides what can be approved) ----
  const jobs::Candidate c = jobs::find_candidate(args.run, {args.best, args.ascending, args.row, args.where});
  const live::SigningKey key = live::load_signing_key(args.key);
  live::ApprovalOptions options;
  options.approver_id = args.approver.empty() ? std::filesystem::path(args.key).filename().string() : args.approver;
  options.note = args.note;
  options.expires_hours = args.expires_hours;
  options.version = args.version;
  options.size = args.size;
  options.signal_rule = args.signal;
  options.long_above = args.long_above;
  options.short_below = args.short_below;
  options.run_file = std::filesystem::path(args.run).filename().string();
  options.now_ms = now_unix_ms();
  const live::ApprovalDraft d = live::build_approval_draft(c, options);
  // ---- sign and write ----
  const std::string text = live::encode_signed(live::build_approval(d, key));
  const std::filesystem::path out(args.out);
  if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path());
  {
    std::ofstream file(out, std::ios::binary);
    file << text;
    file.close();
    if (!file) throw IoError(args.out + ": cannot write");
  }
  std::string run_name = "v";  // built by appending: GCC 12 warns falsely on "literal" + to_string()
  run_name += std::to_string(d.version);
  if (!args.no_run_record) results::append_approval(args.run, run_name, text);
  if (d.model) {
    std::cout << "approved model " << d.model->kind << " (" << d.signal.rule << ") on " << d.symbol << " ("
              << d.selected_by << ", " << d.model->scoring << " " << d.model->cv_score << ")";
    for (const auto& [name, value] : d.model->hyper_params) std::cout << " " << name << "=" << value;
  } else {
    std::cout << "approved " << d.strategy << " " << d.mode << " on " << d.symbol << " (row " << d.row << ", "
              << d.selected_by << ")";
    for (const auto& [name, value] : d.params) std::cout << " " << name << "=" << value;
  }
  if (const std::string overfitting = live::overfitting_summary(d); !overfitting.empty())
    std::cout << "\noverfitting: " << overfitting;
  std::cout << "\nversion " << d.version << ", expires " << iso_utc(d.expires_at) << "\nwrote " << args.out;
  if (!args.no_run_record) std::cout << " and " << args.run << ":/approvals/v" << d.version;
  std::cout << "\n";
  return kExitOk;
}

}  // namespace qg::app
