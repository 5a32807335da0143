// Parity: replaying a backtest's bars through the live node with the approved parameters gives
// the backtest's positions bar for bar (the batch kernel's and the plain reference's) and its
// P&L within 1e-9, for every strategy kind in both modes over a few thousand bars.
#include <gtest/gtest.h>

#include <cmath>

#include "live_fixture.hpp"
#include "qg/live/live_node.hpp"
#include "qg/kernels/backtest.hpp"
#include "qg/kernels/strategy.hpp"

namespace qg::live {
namespace {

using namespace testing;

struct Case {
  const char* kind;
  const char* mode;
  std::vector<std::pair<std::string, double>> params;
};

void check_parity(const Case& c, double cost, std::int64_t n_bars = 600) {
  TempDir dir;
  Keys keys(dir.path());
  RecordingSink sink;
  LiveNode node(make_config(dir.path(), keys), sink);
  const auto bars = make_bars("SYM", n_bars, 3);

  // ---- the backtest: reference positions and the documented convention ----
  std::vector<double> h, l, cl, set;
  for (const auto& b : bars) {
    h.push_back(b.high);
    l.push_back(b.low);
    cl.push_back(b.close);
  }
  for (const auto& p : c.params) set.push_back(p.second);
  const kernels::PreparedSeries series(kernels::BarsView{h, l, cl});
  const auto mode =
      std::string(c.mode) == "long_flat" ? kernels::PositionMode::kLongFlat : kernels::PositionMode::kLongShort;
  const auto pos = kernels::find_strategy(c.kind)->positions_ref(series, set, mode);
  std::vector<std::int8_t> batch(bars.size());
  kernels::find_strategy(c.kind)->positions(series, set.data(), 1, mode, batch.data());
  std::vector<double> net(bars.size(), 0.0);
  double sum = 0.0;
  for (std::size_t t = 1; t < bars.size(); ++t) {
    const double held = t >= 1 ? pos[t - 1] : 0, before = t >= 2 ? pos[t - 2] : 0;
    net[t] = held * series.returns()[t] - cost * std::abs(held - before);
    sum += net[t];
  }
  const auto metrics = kernels::backtest_metrics_ref(series, pos, cost);

  // ---- the live node ----
  ApprovalDraft d = make_draft(1);
  d.strategy = c.kind;
  d.mode = c.mode;
  d.params = c.params;
  d.cost_per_unit = cost;
  const auto reply = parse(node.handle_request(promote_request(signed_record(d, keys.approver)), "t"));
  ASSERT_TRUE(reply["ok"].get<bool>()) << reply.dump();
  for (const auto& b : bars) ASSERT_TRUE(node.on_bar(b));

  const auto signals = sink.of("signal");
  const auto bar_events = sink.of("bar");
  ASSERT_EQ(signals.size(), bars.size());
  int nonzero = 0;
  for (std::size_t t = 0; t < bars.size(); ++t) {
    ASSERT_EQ(signals[t].body["position"].get<double>(), batch[t]) << c.kind << " bar " << t;
    ASSERT_EQ(batch[t], pos[t]) << c.kind << " bar " << t;
    EXPECT_NEAR(bar_events[t].body["net"].get<double>(), net[t], 1e-12) << c.kind << " bar " << t;
    nonzero += pos[t] != 0;
  }
  EXPECT_GT(nonzero, 0) << c.kind << " never traded: the case proves little";
  const auto s = node.status();
  EXPECT_NEAR(s["pnl"].get<double>(), sum, 1e-9) << c.kind;
  EXPECT_NEAR(s["equity"].get<double>() - 1.0, metrics[static_cast<int>(kernels::Metric::kTotalReturn)], 1e-9)
      << c.kind;
}

TEST(Parity, SmaCrossoverLongShort) {
  check_parity({"sma_crossover", "long_short", {{"fast", 5}, {"slow", 20}}}, 3e-4);
}
TEST(Parity, EmaCrossoverLongFlat) { check_parity({"ema_crossover", "long_flat", {{"fast", 8}, {"slow", 30}}}, 1e-3); }
TEST(Parity, BollingerLongShort) { check_parity({"bollinger", "long_short", {{"window", 20}, {"k", 1.5}}}, 2e-4); }
TEST(Parity, RsiLongShort) {
  check_parity({"rsi", "long_short", {{"period", 14}, {"lower", 35}, {"upper", 65}}}, 3e-4);
}
TEST(Parity, DonchianLongShort) { check_parity({"donchian", "long_short", {{"entry", 20}, {"exit", 10}}}, 3e-4); }
TEST(Parity, MomentumLongFlat) { check_parity({"momentum", "long_flat", {{"lookback", 12}}}, 0.0); }

// Every strategy in both modes over 3,000 bars: the node evaluates one bar at a time (a position
// stream), the backtest the whole series at once.
constexpr std::int64_t kLongRun = 3000;
TEST(Parity, SmaCrossoverBothModesLongRun) {
  for (const char* mode : {"long_flat", "long_short"})
    check_parity({"sma_crossover", mode, {{"fast", 10}, {"slow", 40}}}, 3e-4, kLongRun);
}
TEST(Parity, EmaCrossoverBothModesLongRun) {
  for (const char* mode : {"long_flat", "long_short"})
    check_parity({"ema_crossover", mode, {{"fast", 12}, {"slow", 26}}}, 3e-4, kLongRun);
}
TEST(Parity, BollingerBothModesLongRun) {
  for (const char* mode : {"long_flat", "long_short"})
    check_parity({"bollinger", mode, {{"window", 40}, {"k", 1.0}}}, 2e-4, kLongRun);
}
TEST(Parity, RsiBothModesLongRun) {
  for (const char* mode : {"long_flat", "long_short"})
    check_parity({"rsi", mode, {{"period", 10}, {"lower", 40}, {"upper", 60}}}, 3e-4, kLongRun);
}
TEST(Parity, DonchianBothModesLongRun) {
  for (const char* mode : {"long_flat", "long_short"})
    check_parity({"donchian", mode, {{"entry", 30}, {"exit", 12}}}, 3e-4, kLongRun);
}
TEST(Parity, MomentumBothModesLongRun) {
  for (const char* mode : {"long_flat", "long_short"})
    check_parity({"momentum", mode, {{"lookback", 25}}}, 1e-4, kLongRun);
}

// A deployment that becomes active after 400 bars, and a restart 300 bars later, still trade
// the positions of the whole series: the new strategy is warmed up on the journaled bars.
TEST(Parity, LateDeploymentAndRestartWarmUpOnTheJournal) {
  TempDir dir;
  Keys keys(dir.path());
  const auto config = make_config(dir.path(), keys);
  const auto bars = make_bars("SYM", 1000, 5);
  std::vector<double> h, l, cl;
  for (const auto& b : bars) {
    h.push_back(b.high);
    l.push_back(b.low);
    cl.push_back(b.close);
  }
  const kernels::PreparedSeries series(kernels::BarsView{h, l, cl});
  const double set[3] = {14, 35, 65};
  std::vector<std::int8_t> batch(bars.size());
  kernels::find_strategy("rsi")->positions(series, set, 1, kernels::PositionMode::kLongShort, batch.data());
  ApprovalDraft d = make_draft(1);
  d.strategy = "rsi";
  d.params = {{"period", 14}, {"lower", 35}, {"upper", 65}};

  std::vector<double> positions;
  {
    RecordingSink sink;
    LiveNode node(config, sink);
    for (std::size_t t = 0; t < 400; ++t) ASSERT_TRUE(node.on_bar(bars[t]));
    ASSERT_TRUE(parse(node.handle_request(promote_request(signed_record(d, keys.approver)), "t"))["ok"].get<bool>());
    for (std::size_t t = 400; t < 700; ++t) ASSERT_TRUE(node.on_bar(bars[t]));
    for (const auto& e : sink.of("signal")) positions.push_back(e.body["position"].get<double>());
  }
  RecordingSink sink;
  LiveNode restarted(config, sink);
  for (std::size_t t = 700; t < bars.size(); ++t) ASSERT_TRUE(restarted.on_bar(bars[t]));
  for (const auto& e : sink.of("signal")) positions.push_back(e.body["position"].get<double>());
  ASSERT_EQ(positions.size(), 600u);
  for (std::size_t i = 0; i < positions.size(); ++i) ASSERT_EQ(positions[i], batch[400 + i]) << "bar " << 400 + i;
}

}  // namespace
}  // namespace qg::live
