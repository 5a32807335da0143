// State survives a restart: the deployment, positions, P&L and bar history come back, and the
// restarted node trades on exactly as an uninterrupted one.
#include <gtest/gtest.h>

#include "live_fixture.hpp"
#include "qg/live/live_node.hpp"

namespace qg::live {
namespace {

using namespace testing;

TEST(Restart, ResumesWhereItStopped) {
  TempDir dir_a, dir_b;
  Keys keys(dir_a.path());
  const auto bars = make_bars("SYM", 150);
  const std::string record = signed_record(make_draft(1, 5, 20), keys.approver);

  // Uninterrupted reference node.
  RecordingSink ref_sink;
  auto ref_config = make_config(dir_b.path(), keys);
  LiveNode reference(ref_config, ref_sink);
  ASSERT_TRUE(parse(reference.handle_request(promote_request(record), "t"))["ok"].get<bool>());
  for (const auto& b : bars) ASSERT_TRUE(reference.on_bar(b));

  // The same stream with a restart after bar 79.
  auto config = make_config(dir_a.path(), keys);
  config.limits.fsync = true;  // exercise the durable path once
  nlohmann::json status_before;
  {
    RecordingSink sink;
    LiveNode node(config, sink);
    ASSERT_TRUE(parse(node.handle_request(promote_request(record), "t"))["ok"].get<bool>());
    for (std::size_t i = 0; i < 80; ++i) ASSERT_TRUE(node.on_bar(bars[i]));
    status_before = node.status();
  }
  RecordingSink sink;
  LiveNode restarted(config, sink);
  const auto status_after = restarted.status();
  EXPECT_EQ(status_after["active"], status_before["active"]);
  EXPECT_EQ(status_after["positions"], status_before["positions"]);
  EXPECT_EQ(status_after["pnl"], status_before["pnl"]);
  EXPECT_EQ(status_after["equity"], status_before["equity"]);
  EXPECT_EQ(status_after["bars"], 80);
  EXPECT_EQ(status_after["highest_version"], 1);

  EXPECT_FALSE(restarted.on_bar(bars[79]));  // already processed before the restart
  EXPECT_FALSE(parse(restarted.handle_request(promote_request(record), "t"))["ok"].get<bool>());  // no replay either
  for (std::size_t i = 80; i < bars.size(); ++i) ASSERT_TRUE(restarted.on_bar(bars[i]));

  const auto ref_signals = ref_sink.of("signal");
  const auto signals = sink.of("signal");
  ASSERT_EQ(signals.size(), 70u);
  for (std::size_t i = 0; i < signals.size(); ++i)
    EXPECT_EQ(signals[i].body["position"], ref_signals[80 + i].body["position"]) << i;
  EXPECT_EQ(restarted.status()["pnl"], reference.status()["pnl"]);
  EXPECT_EQ(restarted.status()["positions"], reference.status()["positions"]);
}

TEST(Restart, HaltAndRollbackHistorySurvive) {
  TempDir dir;
  Keys keys(dir.path());
  const auto config = make_config(dir.path(), keys);
  {
    RecordingSink sink;
    LiveNode node(config, sink);
    node.handle_request(promote_request(signed_record(make_draft(1), keys.approver)), "t");
    node.handle_request(promote_request(signed_record(make_draft(2, 3, 11), keys.approver)), "t");
    node.handle_request(R"({"op":"halt","reason":"end of day check"})", "t");
  }
  RecordingSink sink;
  LiveNode node(config, sink);
  const auto s = node.status();
  EXPECT_TRUE(s["halted"].get<bool>());
  EXPECT_EQ(s["halt_reason"], "end of day check");
  EXPECT_EQ(s["deployments"], nlohmann::json::array({1, 2}));
}

TEST(Restart, StateFileIsReplacedAtomically) {
  TempDir dir;
  Keys keys(dir.path());
  RecordingSink sink;
  LiveNode node(make_config(dir.path(), keys), sink);
  node.handle_request(promote_request(signed_record(make_draft(1), keys.approver)), "t");
  EXPECT_TRUE(std::filesystem::exists(dir / "state" / "state.json"));
  EXPECT_FALSE(std::filesystem::exists(dir / "state" / "state.json.tmp"));
  EXPECT_FALSE(std::filesystem::exists(dir / "state" / "deployments.json.tmp"));
  const auto state = nlohmann::json::parse(read_text(dir / "state" / "state.json"), nullptr, false);
  EXPECT_FALSE(state.is_discarded());
  const auto deployments = nlohmann::json::parse(read_text(dir / "state" / "deployments.json"), nullptr, false);
  ASSERT_FALSE(deployments.is_discarded());
  EXPECT_EQ(deployments["highest_version"], 1);
}

}  // namespace
}  // namespace qg::live
