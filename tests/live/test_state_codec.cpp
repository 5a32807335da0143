// StateCodec: state.json and deployments.json round-trip exactly, and a malformed file is
// refused with the path of the field that is wrong.
#include <gtest/gtest.h>

#include "live_fixture.hpp"
#include "qg/core/error.hpp"
#include "qg/live/live_node.hpp"
#include "qg/live/state_codec.hpp"

namespace qg::live {
namespace {

using namespace testing;

NodeState sample_state() {
  NodeState s;
  s.halted = true;
  s.halt_reason = "daily loss";
  s.books["AAA"] = {20240102, 101.25, 1.0, -1.0, 3e-4};
  s.books["BBB"] = {20240103, 0.1 + 0.2, 0.0, 0.5, 0.0};  // a number that needs all 17 digits
  s.totals = {0.0123456789012345, 1.0124, 20240103, -0.002, 42};
  s.nonces = {{"n1", 1700000000}, {"n2", 1700000100}};
  s.audit_head = std::string(64, 'f');
  s.journal_bytes = 12345;
  return s;
}

//! Expects decode_state to refuse `j` with a message that starts with `where`.
void expect_refused_at(const nlohmann::json& j, const std::string& where) {
  try {
    StateCodec::decode_state(j);
    ADD_FAILURE() << "accepted a malformed state, expected an error at " << where;
  } catch (const DataError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(where, 0), 0u) << e.what();
  }
}

TEST(StateCodec, StateRoundTripsFieldByField) {
  const NodeState s = sample_state();
  const NodeState back = StateCodec::decode_state(nlohmann::json::parse(StateCodec::encode(s).dump()));
  EXPECT_EQ(back.halted, s.halted);
  EXPECT_EQ(back.halt_reason, s.halt_reason);
  ASSERT_EQ(back.books.size(), 2u);
  const SymbolBook& b = back.books.at("BBB");
  EXPECT_EQ(b.last_date, 20240103);
  EXPECT_EQ(b.last_close, 0.1 + 0.2);  // exact: JSON numbers round-trip doubles
  EXPECT_EQ(b.decided_before, 0.5);
  EXPECT_EQ(back.books.at("AAA").cost_rate, 3e-4);
  EXPECT_EQ(back.totals.pnl, s.totals.pnl);
  EXPECT_EQ(back.totals.equity, s.totals.equity);
  EXPECT_EQ(back.totals.day_date, s.totals.day_date);
  EXPECT_EQ(back.totals.day_pnl, s.totals.day_pnl);
  EXPECT_EQ(back.totals.bars, 42);
  EXPECT_EQ(back.nonces, s.nonces);
  EXPECT_EQ(back.audit_head, s.audit_head);
  EXPECT_EQ(back.journal_bytes, std::optional<std::int64_t>(12345));
  EXPECT_EQ(StateCodec::encode(back).dump(), StateCodec::encode(s).dump());
}

TEST(StateCodec, StateWithoutJournalLengthIsAnOlderCompleteState) {
  // A state.json written before checkpoints has no journal_bytes: it holds every journaled bar.
  nlohmann::json j = StateCodec::encode(sample_state());
  j.erase("journal_bytes");
  EXPECT_FALSE(StateCodec::decode_state(j).journal_bytes.has_value());
  j["journal_bytes"] = "end";
  expect_refused_at(j, "journal_bytes: expected an integer");
}

TEST(StateCodec, DeploymentsRoundTripWithAndWithoutActive) {
  const DeploymentsState with{{"r1\n", "r2\n"}, std::string("r1\n"), 17};
  const DeploymentsState back = StateCodec::decode_deployments(StateCodec::encode(with));
  EXPECT_EQ(back.records, with.records);
  EXPECT_EQ(back.active, with.active);
  EXPECT_EQ(back.highest_version, 17);
  const DeploymentsState none{{}, std::nullopt, 0};
  const nlohmann::json j = StateCodec::encode(none);
  EXPECT_TRUE(j["active"].is_null());
  EXPECT_FALSE(StateCodec::decode_deployments(j).active.has_value());
}

TEST(StateCodec, MalformedStateNamesTheField) {
  const nlohmann::json good = StateCodec::encode(sample_state());
  nlohmann::json j = good;
  j["books"]["BBB"]["decided"] = "flat";
  expect_refused_at(j, "books.BBB.decided: expected a number");
  j = good;
  j.erase("pnl");
  expect_refused_at(j, "pnl: missing");
  j = good;
  j["bars"] = 1.5;
  expect_refused_at(j, "bars: expected an integer");
  j = good;
  j["nonces"]["n1"] = "yesterday";
  expect_refused_at(j, "nonces.n1: expected an integer");
  j = good;
  j["format"] = "quantgrid-live-deployments";
  expect_refused_at(j, "format: expected quantgrid-live-state");
  EXPECT_THROW(
      StateCodec::decode_deployments(nlohmann::json{
          {"format", "quantgrid-live-deployments"}, {"deployments", {1}}, {"active", nullptr}, {"highest_version", 1}}),
      DataError);
}

TEST(StateCodec, NodeRefusesAMalformedStateFileWithItsPath) {
  TempDir dir;
  Keys keys(dir.path());
  const auto config = make_config(dir.path(), keys);
  {
    RecordingSink sink;
    LiveNode node(config, sink);
    node.handle_request(promote_request(signed_record(make_draft(1), keys.approver)), "t");
  }
  auto state = nlohmann::json::parse(read_text(dir / "state" / "state.json"));
  state["equity"] = "lots";
  write_text(dir / "state" / "state.json", state.dump());
  RecordingSink sink;
  try {
    LiveNode node(config, sink);
    ADD_FAILURE() << "the node started on a malformed state.json";
  } catch (const DataError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("state.json: unusable state: equity: expected a number"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace qg::live
