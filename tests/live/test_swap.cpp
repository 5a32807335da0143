// A new deployment takes effect at the next bar boundary: every bar is processed exactly once,
// bars before the swap trade the old parameters and bars from it on the new ones.
#include <gtest/gtest.h>

#include <map>

#include "live_fixture.hpp"
#include "qg/live/live_node.hpp"
#include "qg/kernels/strategy.hpp"
#include "qg/core/time.hpp"

namespace qg::live {
namespace {

using namespace testing;

//! Reference positions of sma_crossover(fast, slow) long_short on the first n bars.
std::vector<std::int8_t> reference(const std::vector<FeedBar>& bars, double fast, double slow) {
  std::vector<double> h, l, c;
  for (const auto& b : bars) {
    h.push_back(b.high);
    l.push_back(b.low);
    c.push_back(b.close);
  }
  const kernels::PreparedSeries series(kernels::BarsView{h, l, c});
  const double set[2] = {fast, slow};
  return kernels::find_strategy("sma_crossover")->positions_ref(series, set, kernels::PositionMode::kLongShort);
}

TEST(Swap, TakesEffectAtTheNextBarBoundary) {
  TempDir dir;
  Keys keys(dir.path());
  RecordingSink sink;
  LiveNode node(make_config(dir.path(), keys), sink);
  const auto bars = make_bars("SYM", 120);
  ASSERT_TRUE(promote_sma(node, keys, 1, 5, 20));
  for (std::size_t i = 0; i < 60; ++i) ASSERT_TRUE(node.on_bar(bars[i]));
  ASSERT_TRUE(promote_sma(node, keys, 2, 3, 11));
  EXPECT_TRUE(node.status()["pending"].get<bool>());
  EXPECT_EQ(node.status()["active"]["version"], 1);  // nothing changes between bars
  for (std::size_t i = 60; i < 90; ++i) ASSERT_TRUE(node.on_bar(bars[i]));
  const std::string rollback =
      nlohmann::json{{"op", "rollback"},
                     {"command", encode_signed(build_command("rollback", {{"from_version", 2}}, "alice", keys.approver,
                                                             now_unix()))}}
          .dump();
  ASSERT_TRUE(parse(node.handle_request(rollback, "t"))["ok"].get<bool>());
  for (std::size_t i = 90; i < 120; ++i) ASSERT_TRUE(node.on_bar(bars[i]));

  // Each bar exactly once, in order.
  const auto bar_events = sink.of("bar");
  ASSERT_EQ(bar_events.size(), bars.size());
  for (std::size_t i = 0; i < bars.size(); ++i) EXPECT_EQ(bar_events[i].body["date"], bars[i].date);

  // Activations at bars 0, 60 and 90.
  std::vector<std::pair<std::int64_t, std::int32_t>> activations;
  for (const auto& e : sink.of("deployment"))
    if (e.body["status"] == "active")
      activations.emplace_back(e.body["deployment"]["version"].get<std::int64_t>(),
                               e.body["first_bar"]["date"].get<std::int32_t>());
  const std::vector<std::pair<std::int64_t, std::int32_t>> expected{
      {1, bars[0].date}, {2, bars[60].date}, {1, bars[90].date}};
  EXPECT_EQ(activations, expected);

  // Signals: version and position per bar match the parameters in force at that bar.
  const auto v1 = reference(bars, 5, 20);
  const auto v2 = reference(bars, 3, 11);
  const auto signals = sink.of("signal");
  ASSERT_EQ(signals.size(), bars.size());
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const bool second = i >= 60 && i < 90;
    EXPECT_EQ(signals[i].body["version"], second ? 2 : 1) << i;
    EXPECT_EQ(signals[i].body["position"].get<double>(), second ? v2[i] : v1[i]) << i;
  }
}

}  // namespace
}  // namespace qg::live
