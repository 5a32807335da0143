// The walk-forward job against a brute-force reference written here with plain loops over the
// kernels' reference positions (positions_ref): the plan's windows by hand, each window's
// winner by a two-pass Sharpe over every set, the stitched out-of-sample series with its
// boundary costs, and PSR/DSR and PBO recomputed from the per-bar returns.
#include <gtest/gtest.h>

#include <cmath>
#include <variant>

#include "fake_run_file.hpp"
#include "net_return_reference.hpp"
#include "staged_run.hpp"
#include "qg/core/error.hpp"
#include "qg/kernels/backtest.hpp"
#include "qg/kernels/block_sums.hpp"
#include "qg/kernels/overfitting.hpp"
#include "qg/kernels/synthetic.hpp"
#include "walkforward/walkforward_job.hpp"

namespace qg::jobs {
namespace {

// 6 x 8 = 48 sets; slow <= 40, so the live period starts at column 39.
std::string spec_text(const std::string& windows, const std::string& objective = "sharpe") {
  return "job: walkforward\nname: t\ndata: {file: d.h5}\n"
         "strategy:\n  kind: sma_crossover\n  mode: long_short\n  params:\n"
         "    fast: {from: 2, to: 12, step: 2}\n    slow: {from: 5, to: 40, step: 5}\n"
         "costs: {commission_bps: 2, slippage_bps: 3}\n"
         "windows: " +
         windows + "\nobjective: " + objective + "\noverfitting: {pbo_blocks: 6}\n";
}

std::shared_ptr<const MarketData> one_symbol(std::int64_t n_bars) {
  auto data = std::make_shared<MarketData>();
  const auto bars = kernels::generate_bars(7, 0, n_bars);
  SymbolBars sym{"SYN", {}, bars.open, bars.high, bars.low, bars.close, bars.volume};
  for (std::int64_t t = 0; t < n_bars; ++t) sym.date.push_back(static_cast<std::int32_t>(20000000 + t));
  data->symbols.push_back(std::move(sym));
  return data;
}

testing::FakeRunFile run(const Job& job) { return testing::run_stages(job); }

using testing::attr;

//! The brute-force reference: per-bar net returns of every set by plain loops.
struct Reference : testing::NetReturnReference {
  explicit Reference(const WalkforwardJob& job) : NetReturnReference(job.bars(), job.spec().search) {}
};

TEST(WalkforwardPlan, RollingAndAnchoredWindowsByHand) {
  // 400 bars: n = 399 return columns, j0 = 39. Rolling 120/40: s_k = 39 + 40k, e_k = s_k + 120,
  // k = 0..5 (e_5 = 359 < 399; e_6 = 399 is not), the last OOS [359, 399).
  const WalkforwardJob rolling(parse_walkforward_spec(spec_text("{in_sample: 120, out_of_sample: 40}"), "t.yaml"),
                               one_symbol(400));
  const auto& p = rolling.plan();
  EXPECT_EQ(p.j0, 39);
  EXPECT_EQ(p.live, 360);
  EXPECT_EQ(p.block, 40);  // gcd(120, 40)
  ASSERT_EQ(p.windows.size(), 6u);
  EXPECT_EQ(p.windows[5].is_begin, 239);
  EXPECT_EQ(p.windows[5].oos_begin, 359);
  EXPECT_EQ(p.windows[5].oos_end, 399);
  EXPECT_EQ(p.pbo_block, 60);  // floor(360 / 6)
  // Anchored 100/70: s_k = 39, e_k = 139 + 70k while < 399: k = 0..3, the last OOS short.
  const WalkforwardJob anchored(
      parse_walkforward_spec(spec_text("{in_sample: 100, out_of_sample: 70, anchored: true}"), "t.yaml"),
      one_symbol(400));
  const auto& a = anchored.plan();
  ASSERT_EQ(a.windows.size(), 4u);
  EXPECT_EQ(a.windows[3].is_begin, 39);
  EXPECT_EQ(a.windows[3].is_end, 349);
  EXPECT_EQ(a.windows[3].oos_end, 399);
  EXPECT_EQ(a.block, 10);
}

TEST(WalkforwardPlan, DataThatCannotServeIsADataError) {
  EXPECT_THROW(WalkforwardJob(parse_walkforward_spec(spec_text("{in_sample: 400, out_of_sample: 40}"), "t.yaml"),
                              one_symbol(400)),
               DataError);
  auto two = std::make_shared<MarketData>(*one_symbol(400));
  two->symbols.push_back(two->symbols.front());
  EXPECT_THROW(WalkforwardJob(parse_walkforward_spec(spec_text("{in_sample: 120, out_of_sample: 40}"), "t.yaml"), two),
               DataError);
}

TEST(WalkforwardJob, EqualsTheBruteForceReference) {
  const WalkforwardJob job(parse_walkforward_spec(spec_text("{in_sample: 120, out_of_sample: 40}"), "t.yaml"),
                           one_symbol(400));
  const auto file = run(job);
  const Reference ref(job);
  const auto& plan = job.plan();
  const auto& windows = *file.tables.at("/walkforward/windows");
  const auto& oos = *file.tables.at("/walkforward/oos");
  ASSERT_EQ(windows.rows(), plan.windows.size());
  std::vector<std::size_t> winners;
  for (std::size_t k = 0; k < plan.windows.size(); ++k) {
    const auto& w = plan.windows[k];
    std::vector<double> is(job.n_sets());
    for (std::size_t i = 0; i < job.n_sets(); ++i) is[i] = ref.sharpe(i, w.is_begin, w.is_end);
    winners.push_back(static_cast<std::size_t>(kernels::best_index(is)));
    EXPECT_EQ(windows.at(k, 5), static_cast<double>(winners.back())) << "window " << k;
    EXPECT_NEAR(windows.at(k, 8), is[winners.back()] * std::sqrt(252.0), 1e-9) << "is_sharpe of window " << k;
  }
  // Stitched OOS: the winner's position, the boundary cost against the previous winner's.
  std::size_t row = 0;
  double equity = 1.0;
  for (std::size_t k = 0; k < winners.size(); ++k) {
    for (std::int64_t j = plan.windows[k].oos_begin; j < plan.windows[k].oos_end; ++j, ++row) {
      const double h = ref.pos[winners[k]][static_cast<std::size_t>(j)];
      double before = ref.pos[winners[k]][static_cast<std::size_t>(j - 1)];
      if (j == plan.windows[k].oos_begin)
        before = k == 0 ? 0.0 : ref.pos[winners[k - 1]][static_cast<std::size_t>(j - 1)];
      const double net = h * ref.r[static_cast<std::size_t>(j + 1)] - ref.cost * std::fabs(h - before);
      equity *= 1.0 + net;
      EXPECT_EQ(oos.at(row, 0), static_cast<double>(20000000 + j + 1));
      EXPECT_EQ(oos.at(row, 1), h);
      EXPECT_NEAR(oos.at(row, 2), net, 1e-15);
      EXPECT_NEAR(oos.at(row, 3), equity, 1e-12);
      EXPECT_NEAR(oos.at(row, 4), ref.net(winners[k], j), 1e-15);  // naive: the winner's own
    }
  }
  EXPECT_EQ(row, oos.rows());
  // PSR / DSR from per-bar Sharpe ratios of every set over the live period.
  std::vector<double> sr(job.n_sets()), best_returns;
  for (std::size_t i = 0; i < job.n_sets(); ++i) sr[i] = ref.sharpe(i, plan.j0, plan.n);
  const auto best = static_cast<std::size_t>(kernels::best_index(sr));
  for (std::int64_t j = plan.j0; j < plan.n; ++j) best_returns.push_back(ref.net(best, j));
  double mean = 0, v = 0;
  for (double x : sr) mean += x;
  mean /= static_cast<double>(sr.size());
  for (double x : sr) v += (x - mean) * (x - mean);
  v /= static_cast<double>(sr.size() - 1);
  const auto m = kernels::return_moments(best_returns);
  const double sr0 = kernels::expected_max_sharpe(v, static_cast<double>(job.n_sets()));
  EXPECT_EQ(attr(file, "/overfitting@best_combo"), static_cast<double>(best));
  EXPECT_NEAR(attr(file, "/overfitting@sr0"), sr0, 1e-10);
  EXPECT_NEAR(attr(file, "/overfitting@dsr"),
              kernels::probabilistic_sharpe(sr[best], sr0, static_cast<double>(plan.live), m.skewness, m.kurtosis),
              1e-9);
  EXPECT_NEAR(attr(file, "/overfitting@psr"),
              kernels::probabilistic_sharpe(sr[best], 0.0, static_cast<double>(plan.live), m.skewness, m.kurtosis),
              1e-9);
  // PBO from the plain CSCV reference over the per-bar returns.
  std::vector<double> returns;
  for (std::size_t i = 0; i < job.n_sets(); ++i)
    for (std::int64_t j = plan.j0; j < plan.n; ++j) returns.push_back(ref.net(i, j));
  const auto n_splits = static_cast<std::size_t>(kernels::cscv_split_count(6));
  std::vector<kernels::PboSplit> splits(n_splits);
  kernels::pbo_splits_ref(returns, job.n_sets(), plan.live, 6, plan.pbo_block, 0, n_splits, splits.data());
  const auto pbo = kernels::summarize_pbo(splits);
  EXPECT_NEAR(attr(file, "/overfitting@pbo"), pbo.pbo, 1e-12);
  EXPECT_NEAR(attr(file, "/overfitting@degradation_slope"), pbo.degradation_slope, 1e-8);
  EXPECT_EQ(attr(file, "/overfitting@splits"), 20.0);
  EXPECT_EQ(attr(file, "/walkforward/summary@complete"), 1.0);
}

TEST(WalkforwardJob, BlockTablesFromOnePassEqualBlockSumsOfTheNetReturns) {
  // 360 live columns: selection blocks of 40 and 6 CSCV blocks of 60, filled in passes of 64
  // rows (LiveTrials::kRowsPerPass), so blocks straddle passes. Expected: kernels::net_returns
  // over the whole live period, then the plain block_sums_ref of each table (bit for bit: the
  // same additions in the same order), and the brute-force reference's sums to 1e-15. All 48
  // sets (six groups of eight), then 45 (five groups and five sets one at a time).
  const WalkforwardJob job(parse_walkforward_spec(spec_text("{in_sample: 120, out_of_sample: 40}"), "t.yaml"),
                           one_symbol(400));
  const auto& plan = job.plan();
  const LiveTrials& trials = job.trials();
  for (const std::size_t count : {job.n_sets(), job.n_sets() - 3}) {
    std::vector<std::size_t> ids(count);
    for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = i;
    const auto n = static_cast<int>(ids.size());
    std::vector<double> net;
    trials.live_net_returns_into(ids, net);
    const kernels::PositionRows pos = trials.positions_into(ids, kernels::decided_bars_for({plan.j0 + 1, plan.n + 1}));
    const std::int64_t cscv = plan.pbo_block * 6;
    std::vector<double> g1(ids.size() * 9), g2(g1.size()), p1(ids.size() * 6), p2(p1.size());
    const LiveTrials::BlockTable tables[] = {{plan.block, plan.live, g1.data(), g2.data()},
                                             {plan.pbo_block, cscv, p1.data(), p2.data()}};
    trials.live_block_sums(pos, tables);
    std::vector<double> e1(g1.size()), e2(g1.size()), f1(p1.size()), f2(p1.size());
    kernels::block_sums_ref(net.data(), plan.live, n, plan.block, e1.data(), e2.data());
    kernels::block_sums_ref(net.data(), cscv, n, plan.pbo_block, f1.data(), f2.data());
    EXPECT_EQ(g1, e1);
    EXPECT_EQ(g2, e2);
    EXPECT_EQ(p1, f1);
    EXPECT_EQ(p2, f2);
    const Reference ref(job);
    for (std::size_t i = 0; i < ids.size(); ++i)
      for (std::size_t b = 0; b < 6; ++b) {
        double s1 = 0, s2 = 0;
        for (std::int64_t j = plan.j0 + std::int64_t(b) * plan.pbo_block;
             j < plan.j0 + (std::int64_t(b) + 1) * plan.pbo_block; ++j)
          s1 += ref.net(i, j), s2 += ref.net(i, j) * ref.net(i, j);
        EXPECT_NEAR(p1[i * 6 + b], s1, 1e-15) << i << " " << b;
        EXPECT_NEAR(p2[i * 6 + b], s2, 1e-15) << i << " " << b;
      }
  }
}

TEST(WalkforwardJob, MinimisedObjectivePicksTheSmallest) {
  const WalkforwardJob job(
      parse_walkforward_spec(spec_text("{in_sample: 120, out_of_sample: 40}", "max_drawdown"), "t.yaml"),
      one_symbol(400));
  const auto file = run(job);
  const auto& windows = *file.tables.at("/walkforward/windows");
  const auto& b = job.bars();
  const kernels::PreparedSeries series(kernels::BarsView{b.high, b.low, b.close});
  for (std::size_t k = 0; k < job.plan().windows.size(); ++k) {
    const auto& w = job.plan().windows[k];
    std::vector<double> dd;  // max drawdown of every set over the window, by the range reference
    for (std::size_t i = 0; i < job.n_sets(); ++i) {
      const auto pos =
          job.spec().search.strategy->positions_ref(series, job.spec().search.combos.set(i), job.spec().search.mode);
      dd.push_back(-kernels::backtest_metrics_range_ref(
          series, pos, job.spec().search.cost_per_unit(),
          {w.is_begin + 1, w.is_end + 1})[static_cast<std::size_t>(kernels::Metric::kMaxDrawdown)]);
    }
    EXPECT_EQ(windows.at(k, 5), static_cast<double>(kernels::best_index(dd))) << "window " << k;
  }
}

}  // namespace
}  // namespace qg::jobs
