// The risk guard: the kill switch flattens the paper position and stops signals until a signed
// resume; the daily loss limit halts by itself; positions are capped at max_position.
#include <gtest/gtest.h>

#include "live_fixture.hpp"
#include "qg/live/live_node.hpp"
#include "qg/core/time.hpp"

namespace qg::live {
namespace {

using namespace testing;

std::string resume_request(const SigningKey& key) {
  return nlohmann::json{
      {"op", "resume"},
      {"command", encode_signed(build_command("resume", nlohmann::json::object(), "alice", key, now_unix()))}}
      .dump();
}

TEST(RiskGuard, KillSwitchFlattensAndStopsTrading) {
  TempDir dir;
  Keys keys(dir.path());
  RecordingSink sink;
  LiveNode node(make_config(dir.path(), keys), sink);
  ASSERT_TRUE(promote_sma(node, keys, 1, 2, 5));
  const auto bars = make_bars("SYM", 80);
  std::size_t i = 0;
  while (i < 60 && (i < 10 || node.status()["positions"]["SYM"]["position"].get<double>() == 0.0))
    ASSERT_TRUE(node.on_bar(bars[i++]));
  const double held = node.status()["positions"]["SYM"]["position"].get<double>();
  ASSERT_NE(held, 0.0) << "the strategy never took a position";

  sink.clear();
  const auto reply = parse(node.handle_request(R"({"op":"halt","reason":"kill switch test"})", "t"));
  ASSERT_TRUE(reply["ok"].get<bool>());
  EXPECT_EQ(node.status()["positions"]["SYM"]["position"].get<double>(), 0.0);
  ASSERT_EQ(sink.of("order").size(), 1u);
  EXPECT_EQ(sink.of("order")[0].body["quantity"].get<double>(), -held);
  EXPECT_EQ(sink.of("order")[0].body["why"], "halt");
  EXPECT_EQ(sink.of("fill").size(), 1u);
  EXPECT_EQ(sink.of("halt").size(), 1u);

  // While halted: bars are processed (P&L of a flat book is 0), no signals, no orders.
  const double pnl = node.status()["pnl"].get<double>();
  sink.clear();
  for (std::size_t k = 0; k < 5; ++k) ASSERT_TRUE(node.on_bar(bars[i++]));
  EXPECT_TRUE(sink.of("signal").empty());
  EXPECT_TRUE(sink.of("order").empty());
  // The bar right after the halt still charges the flattening trade's cost (the convention).
  EXPECT_NEAR(node.status()["pnl"].get<double>(), pnl - 3e-4 * std::abs(held), 1e-12);

  ASSERT_TRUE(parse(node.handle_request(resume_request(keys.approver), "t"))["ok"].get<bool>());
  ASSERT_TRUE(node.on_bar(bars[i++]));
  EXPECT_EQ(sink.of("signal").size(), 1u);
}

TEST(RiskGuard, DailyLossLimitHalts) {
  TempDir dir;
  Keys keys(dir.path());
  auto config = make_config(dir.path(), keys);
  config.guardrails.max_daily_loss = 1e-9;  // the first losing bar trips it
  RecordingSink sink;
  LiveNode node(config, sink);
  ASSERT_TRUE(promote_sma(node, keys, 1, 2, 5));
  const auto bars = make_bars("SYM", 200);
  for (const auto& b : bars) {
    ASSERT_TRUE(node.on_bar(b));
    if (node.status()["halted"].get<bool>()) break;
  }
  const auto s = node.status();
  ASSERT_TRUE(s["halted"].get<bool>());
  EXPECT_NE(s["halt_reason"].get<std::string>().find("max_daily_loss"), std::string::npos);
  EXPECT_LT(s["day"]["pnl"].get<double>(), 0.0);
  EXPECT_EQ(s["positions"]["SYM"]["position"].get<double>(), 0.0);
  ASSERT_EQ(sink.of("halt").size(), 1u);
  EXPECT_EQ(sink.of("halt")[0].body["by"], "risk");
}

// Ruin (docs/strategies.md): once the strategy holds a short, a bar whose close is 3x the last
// (r = 2, net = -2 for one unit short) takes equity to 0: the bar's net counts as -1 (equity 0,
// not -1), and the node halts by itself, flat, until a signed resume.
TEST(RiskGuard, RuinHaltsTheNodeWithEquityZero) {
  TempDir dir;
  Keys keys(dir.path());
  RecordingSink sink;
  LiveNode node(make_config(dir.path(), keys), sink);
  ASSERT_TRUE(promote_sma(node, keys, 1, 2, 5));
  const auto bars = make_bars("SYM", 200);
  std::size_t i = 0;
  while (i < bars.size() && (i < 10 || node.status()["positions"]["SYM"]["position"].get<double>() >= 0.0))
    ASSERT_TRUE(node.on_bar(bars[i++]));
  ASSERT_LT(node.status()["positions"]["SYM"]["position"].get<double>(), 0.0) << "the strategy never went short";
  FeedBar spike = bars[i];
  spike.open = spike.high = spike.low = spike.close = 3.0 * bars[i - 1].close;
  sink.clear();
  ASSERT_TRUE(node.on_bar(spike));
  ASSERT_EQ(sink.of("bar").size(), 1u);
  EXPECT_EQ(sink.of("bar")[0].body["net"].get<double>(), -1.0);
  const auto s = node.status();
  EXPECT_EQ(s["equity"].get<double>(), 0.0);
  ASSERT_TRUE(s["halted"].get<bool>());
  EXPECT_NE(s["halt_reason"].get<std::string>().find("ruin"), std::string::npos) << s["halt_reason"];
  EXPECT_EQ(s["positions"]["SYM"]["position"].get<double>(), 0.0);
  ASSERT_EQ(sink.of("halt").size(), 1u);
  EXPECT_EQ(sink.of("halt")[0].body["by"], "risk");
  ASSERT_TRUE(node.on_bar(bars[i + 1]));  // equity stays 0
  EXPECT_EQ(node.status()["equity"].get<double>(), 0.0);
}

TEST(RiskGuard, PositionsAreCappedAtMaxPosition) {
  TempDir dir;
  Keys keys(dir.path());
  auto config = make_config(dir.path(), keys);
  {
    RecordingSink sink;
    LiveNode node(config, sink);
    ASSERT_TRUE(
        parse(node.handle_request(promote_request(signed_record(make_draft(1, 2, 5), keys.approver)), "t"))["ok"]
            .get<bool>());
  }
  config.guardrails.max_position = 0.5;  // tightened after the deployment was accepted
  RecordingSink sink;
  LiveNode node(config, sink);
  for (const auto& b : make_bars("SYM", 60)) ASSERT_TRUE(node.on_bar(b));
  ASSERT_FALSE(sink.of("risk").empty());
  for (const auto& s : sink.of("signal")) EXPECT_LE(std::abs(s.body["position"].get<double>()), 0.5);
}

}  // namespace
}  // namespace qg::live
