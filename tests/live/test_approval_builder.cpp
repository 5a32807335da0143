// build_approval_draft: every candidate field lands in the draft, and the approval fields follow
// the options (expiry = approved_at + hours * 3600; version 0 = now in milliseconds).
#include <gtest/gtest.h>

#include "qg/live/approval_builder.hpp"

namespace qg::live {
namespace {

jobs::Candidate candidate() {
  jobs::Candidate c;
  c.selected_by = "highest sharpe";
  c.row = 1284;
  c.combo = 28;
  c.symbol = "SYN002";
  c.strategy = "sma_crossover";
  c.mode = "long_short";
  c.cost_per_unit = 3e-4;
  c.params = {{"fast", 3}, {"slow", 11}};
  c.metrics = {{"sharpe", 1.05}, {"max_drawdown", 0.19}};
  c.job_name = "e2e-small";
  c.spec_sha256 = std::string(64, 'c');
  c.data_sha256 = std::string(64, 'd');
  c.run_sha256 = std::string(64, 'a');
  c.results_digest = std::string(64, 'b');
  return c;
}

ApprovalOptions options() {
  ApprovalOptions o;
  o.approver_id = "alice";
  o.note = "IS/OOS reviewed";
  o.expires_hours = 1.5;
  o.version = 0;
  o.size = 0.5;
  o.run_file = "sma.h5";
  o.now_ms = 1795322923790;  // 2026-11-22T04:48:43.790Z
  return o;
}

TEST(ApprovalBuilder, MapsEveryCandidateField) {
  const jobs::Candidate c = candidate();
  const ApprovalDraft d = build_approval_draft(c, options());
  EXPECT_EQ(d.strategy, "sma_crossover");
  EXPECT_EQ(d.mode, "long_short");
  EXPECT_EQ(d.symbol, "SYN002");
  EXPECT_EQ(d.params, c.params);
  EXPECT_EQ(d.cost_per_unit, 3e-4);
  EXPECT_EQ(d.run_sha256, c.run_sha256);
  EXPECT_EQ(d.results_digest, c.results_digest);
  EXPECT_EQ(d.spec_sha256, c.spec_sha256);
  EXPECT_EQ(d.data_sha256, c.data_sha256);
  EXPECT_EQ(d.job_name, "e2e-small");
  EXPECT_EQ(d.row, 1284);
  EXPECT_EQ(d.combo, 28);
  EXPECT_EQ(d.metrics, c.metrics);
}

TEST(ApprovalBuilder, TakesTheApprovalFieldsFromTheOptions) {
  const ApprovalDraft d = build_approval_draft(candidate(), options());
  EXPECT_EQ(d.approver_id, "alice");
  EXPECT_EQ(d.note, "IS/OOS reviewed");
  EXPECT_EQ(d.size, 0.5);
  EXPECT_EQ(d.selected_by, "highest sharpe");
  EXPECT_EQ(d.run_file, "sma.h5");
  EXPECT_EQ(d.approved_at, 1795322923);        // whole seconds of now_ms
  EXPECT_EQ(d.expires_at, 1795322923 + 5400);  // 1.5 h * 3600
  EXPECT_EQ(d.version, 1795322923790);         // version 0: now in milliseconds
}

TEST(ApprovalBuilder, KeepsAnExplicitVersion) {
  ApprovalOptions o = options();
  o.version = 7;
  o.expires_hours = 72;
  const ApprovalDraft d = build_approval_draft(candidate(), o);
  EXPECT_EQ(d.version, 7);
  EXPECT_EQ(d.expires_at - d.approved_at, 72 * 3600);
}

}  // namespace
}  // namespace qg::live
