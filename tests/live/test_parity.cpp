// Parity: replaying a backtest's bars through the live node with the approved parameters gives
// the backtest's positions bar for bar and its P&L within 1e-9, for every strategy kind.
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

void check_parity(const Case& c, double cost) {
  TempDir dir;
  Keys keys(dir.path());
  RecordingSink sink;
  LiveNode node(make_config(dir.path(), keys), sink);
  const auto bars = make_bars("SYM", 600, 3);

  // ---- the backtest: reference positions and the documented convention ----
  std::vector<double> h, l, cl, set;
  for (const auto& b : bars) {
    h.push_back(b.high);
    l.push_back(b.low);
    cl.push_back(b.close);
  }
  for (const auto& p : c.params) set.push_back(p.second);
  const kernels::PreparedSeries series(kernels::BarsView{h, l, cl});
  const auto mode = std::string(c.mode) == "long_flat" ? kernels::PositionMode::kLongFlat : kernels::PositionMode::kLongShort;
  const auto pos = kernels::find_strategy(c.kind)->positions_ref(series, set, mode);
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
    ASSERT_EQ(signals[t].body["position"].get<double>(), pos[t]) << c.kind << " bar " << t;
    EXPECT_NEAR(bar_events[t].body["net"].get<double>(), net[t], 1e-12) << c.kind << " bar " << t;
    nonzero += pos[t] != 0;
  }
  EXPECT_GT(nonzero, 0) << c.kind << " never traded: the case proves little";
  const auto s = node.status();
  EXPECT_NEAR(s["pnl"].get<double>(), sum, 1e-9) << c.kind;
  EXPECT_NEAR(s["equity"].get<double>() - 1.0, metrics[static_cast<int>(kernels::Metric::kTotalReturn)], 1e-9) << c.kind;
}

TEST(Parity, SmaCrossoverLongShort) { check_parity({"sma_crossover", "long_short", {{"fast", 5}, {"slow", 20}}}, 3e-4); }
TEST(Parity, EmaCrossoverLongFlat) { check_parity({"ema_crossover", "long_flat", {{"fast", 8}, {"slow", 30}}}, 1e-3); }
TEST(Parity, BollingerLongShort) { check_parity({"bollinger", "long_short", {{"window", 20}, {"k", 1.5}}}, 2e-4); }
TEST(Parity, RsiLongShort) { check_parity({"rsi", "long_short", {{"period", 14}, {"lower", 35}, {"upper", 65}}}, 3e-4); }
TEST(Parity, DonchianLongShort) { check_parity({"donchian", "long_short", {{"entry", 20}, {"exit", 10}}}, 3e-4); }
TEST(Parity, MomentumLongFlat) { check_parity({"momentum", "long_flat", {{"lookback", 12}}}, 0.0); }

}  // namespace
}  // namespace qg::live
