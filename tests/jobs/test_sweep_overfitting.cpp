// Overfitting statistics of sweep runs (stages 1-3 of the sweep job): equal to the walk-forward
// reducer's figures on the same data and grid, equal to a brute-force reference written here
// with plain loops (two-pass Sharpe ratios, a Pearson correlation matrix, CSCV over every split
// by bit masks), per symbol; skipped with a stated reason when they cannot be computed.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>

#include "net_return_reference.hpp"
#include "qg/core/error.hpp"
#include "qg/kernels/overfitting.hpp"
#include "qg/kernels/synthetic.hpp"
#include "staged_run.hpp"
#include "sweep/sweep_job.hpp"
#include "walkforward/walkforward_job.hpp"

namespace qg::jobs {
namespace {

using testing::attr;

// fast 2..12 step 2 (6) x slow 5..40 step 5 (8) = 48 sets; slow <= 40: the live period starts
// at column 39 (the position decided at close 39 is first held over return bar 40).
constexpr const char* kSearch =
    "strategy:\n  kind: sma_crossover\n  mode: long_short\n  params:\n"
    "    fast: {from: 2, to: 12, step: 2}\n    slow: {from: 5, to: 40, step: 5}\n"
    "costs: {commission_bps: 2, slippage_bps: 3}\n";

std::string sweep_spec(const std::string& overfitting) {
  return std::string("job: sweep\nname: t\ndata: {file: d.h5}\n") + kSearch + "overfitting: " + overfitting + "\n";
}

SymbolBars symbol_bars(const std::string& name, std::uint32_t stream, std::int64_t n_bars) {
  const auto bars = kernels::generate_bars(7, stream, n_bars);
  SymbolBars sym{name, {}, bars.open, bars.high, bars.low, bars.close, bars.volume};
  for (std::int64_t t = 0; t < n_bars; ++t) sym.date.push_back(static_cast<std::int32_t>(20000000 + t));
  return sym;
}

std::shared_ptr<const MarketData> symbols(const std::vector<std::int64_t>& n_bars) {
  auto data = std::make_shared<MarketData>();
  for (std::size_t s = 0; s < n_bars.size(); ++s)
    data->symbols.push_back(symbol_bars("SYM" + std::to_string(s), static_cast<std::uint32_t>(s), n_bars[s]));
  return data;
}

bool has_group(const testing::FakeRunFile& f, const std::string& prefix) {
  return std::any_of(f.attrs.begin(), f.attrs.end(), [&](const auto& kv) { return kv.first.starts_with(prefix); });
}

//! CSCV by brute force: every choice of S/2 of the S blocks (bit masks), each half's bars
//! concatenated and its two-pass Sharpe computed; returns {pbo, prob_oos_loss, slope, splits}.
std::array<double, 4> brute_force_pbo(const testing::NetReturnReference& ref, std::size_t n_sets, std::int64_t j0,
                                      int s, std::int64_t block) {
  std::vector<double> lambda, is_best, oos_best;
  for (unsigned mask = 0; mask < (1u << s); ++mask) {
    if (std::popcount(mask) != s / 2) continue;
    std::vector<double> is(n_sets), oos(n_sets);
    for (std::size_t i = 0; i < n_sets; ++i) {
      std::vector<double> a, b;
      for (int k = 0; k < s; ++k)
        for (std::int64_t j = j0 + k * block; j < j0 + (k + 1) * block; ++j)
          ((mask >> k) & 1u ? a : b).push_back(ref.net(i, j));
      for (auto* half : {&a, &b}) {
        double mean = 0, ss = 0;
        for (double x : *half) mean += x;
        mean /= static_cast<double>(half->size());
        for (double x : *half) ss += (x - mean) * (x - mean);
        const double sd = std::sqrt(ss / static_cast<double>(half->size() - 1));
        (half == &a ? is : oos)[i] = sd > 0 ? mean / sd : 0.0;
      }
    }
    std::size_t best = 0;  // the lowest index within 1e-12 max(1, |best|) of the largest
    const double top = *std::max_element(is.begin(), is.end());
    while (is[best] < top - 1e-12 * std::max(1.0, std::fabs(top))) ++best;
    double below = 0, ties = 0;
    const double v = oos[best], tol = 1e-12 * std::max(1.0, std::fabs(v));
    for (double x : oos) {
      if (std::fabs(x - v) <= tol)
        ++ties;  // itself included: ranks below + 1 .. below + ties, averaged
      else if (x < v)
        ++below;
    }
    const double w = (below + (ties + 1) / 2) / static_cast<double>(n_sets + 1);
    lambda.push_back(std::log(w / (1 - w)));
    is_best.push_back(is[best]);
    oos_best.push_back(oos[best]);
  }
  const double c = static_cast<double>(lambda.size());
  double pbo = 0, loss = 0, mx = 0, my = 0, sxy = 0, sxx = 0;
  for (std::size_t k = 0; k < lambda.size(); ++k)
    pbo += lambda[k] <= 0, loss += oos_best[k] < 0, mx += is_best[k] / c, my += oos_best[k] / c;
  for (std::size_t k = 0; k < lambda.size(); ++k)
    sxy += (is_best[k] - mx) * (oos_best[k] - my), sxx += (is_best[k] - mx) * (is_best[k] - mx);
  return {pbo / c, loss / c, sxy / sxx, c};
}

//! The participation ratio (tr C)^2 / tr(C^2) of every 10th set's live returns (Pearson
//! correlations in double precision; constant series are no trials), at least 2.
double brute_force_n_eff(const testing::NetReturnReference& ref, std::size_t n_sets, std::int64_t j0, std::int64_t n) {
  std::vector<std::vector<double>> z;
  for (std::size_t i = 0; i < n_sets; i += 10) {
    std::vector<double> x;
    for (std::int64_t j = j0; j < n; ++j) x.push_back(ref.net(i, j));
    double mean = 0, ss = 0;
    for (double v : x) mean += v / static_cast<double>(x.size());
    for (double& v : x) v -= mean, ss += v * v;
    if (ss == 0) continue;
    for (double& v : x) v /= std::sqrt(ss);
    z.push_back(x);
  }
  double tr_c2 = 0;
  for (const auto& a : z)
    for (const auto& b : z) {
      double r = 0;
      for (std::size_t t = 0; t < a.size(); ++t) r += a[t] * b[t];
      tr_c2 += r * r;
    }
  const auto tr_c = static_cast<double>(z.size());
  return std::max(2.0, tr_c * tr_c / tr_c2);
}

TEST(SweepOverfitting, EqualsTheWalkforwardReducersFigures) {
  const auto data = symbols({400});
  const WalkforwardJob wf(
      parse_walkforward_spec(std::string("job: walkforward\nname: t\ndata: {file: d.h5}\n") + kSearch +
                                 "windows: {in_sample: 120, out_of_sample: 40}\noverfitting: {pbo_blocks: 6}\n",
                             "wf.yaml"),
      data);
  const SweepJob sweep(parse_sweep_spec(sweep_spec("{pbo_blocks: 6}"), "sweep.yaml"), data);
  ASSERT_EQ(sweep.num_stages(), 4u);
  const auto a = testing::run_stages(wf), b = testing::run_stages(sweep);
  // The same trials, live period and CSCV block sums: the same best set, correlation, moments
  // and splits. Only the live sums are added in another order (the walk-forward's selection
  // blocks against the sweep's 256-bar blocks), so the Sharpe-derived figures agree to rounding.
  for (const char* exact : {"n_trials", "best_combo", "skewness", "kurtosis", "n_eff", "pbo", "splits", "pbo_blocks",
                            "degradation_slope", "prob_oos_loss"})
    EXPECT_EQ(attr(b, std::string("/overfitting@") + exact), attr(a, std::string("/overfitting@") + exact)) << exact;
  for (const char* near : {"best_sharpe", "sr0", "psr", "dsr", "dsr_n_eff"}) {
    const double expected = attr(a, std::string("/overfitting@") + near);
    EXPECT_NEAR(attr(b, std::string("/overfitting@") + near), expected, 1e-12 * std::max(1.0, std::fabs(expected)))
        << near;
  }
  EXPECT_EQ(attr(b, "/overfitting@live_start"), 39.0);
  EXPECT_EQ(attr(b, "/overfitting@live_bars"), 360.0);  // n = 399 return columns, j0 = 39
}

TEST(SweepOverfitting, EqualsABruteForceReferencePerSymbol) {
  // Two symbols of different lengths: each has its own live period (360 and 260 bars) and its
  // own statistics under /overfitting/<symbol>.
  const auto data = symbols({400, 300});
  const SweepJob job(parse_sweep_spec(sweep_spec("{pbo_blocks: 4}"), "t.yaml"), data);
  const auto file = testing::run_stages(job);
  const std::size_t n_sets = job.spec().search.combos.size();
  ASSERT_EQ(n_sets, 48u);
  for (std::size_t s = 0; s < 2; ++s) {
    const std::string g = "/overfitting/SYM" + std::to_string(s) + "@";
    const testing::NetReturnReference ref(data->symbols[s], job.spec().search);
    const std::int64_t j0 = 39, n = static_cast<std::int64_t>(data->symbols[s].size()) - 1, live = n - j0;
    EXPECT_EQ(attr(file, g + "live_start"), 39.0);
    EXPECT_EQ(attr(file, g + "live_bars"), static_cast<double>(live));
    std::vector<double> sr(n_sets), best_returns;
    for (std::size_t i = 0; i < n_sets; ++i) sr[i] = ref.sharpe(i, j0, n);
    const auto best = static_cast<std::size_t>(std::max_element(sr.begin(), sr.end()) - sr.begin());
    for (std::int64_t j = j0; j < n; ++j) best_returns.push_back(ref.net(best, j));
    double mean = 0, v = 0;
    for (double x : sr) mean += x / static_cast<double>(n_sets);
    for (double x : sr) v += (x - mean) * (x - mean) / static_cast<double>(n_sets - 1);
    const auto m = kernels::return_moments(best_returns);
    const double sr0 = kernels::expected_max_sharpe(v, static_cast<double>(n_sets));
    const auto t = static_cast<double>(live);
    EXPECT_EQ(attr(file, g + "n_trials"), 48.0);
    EXPECT_EQ(attr(file, g + "best_combo"), static_cast<double>(best));
    EXPECT_NEAR(attr(file, g + "best_sharpe"), sr[best], 1e-12);
    EXPECT_NEAR(attr(file, g + "sr0"), sr0, 1e-10);
    EXPECT_NEAR(attr(file, g + "psr"), kernels::probabilistic_sharpe(sr[best], 0.0, t, m.skewness, m.kurtosis), 1e-9);
    EXPECT_NEAR(attr(file, g + "dsr"), kernels::probabilistic_sharpe(sr[best], sr0, t, m.skewness, m.kurtosis), 1e-9);
    const double n_eff = brute_force_n_eff(ref, n_sets, j0, n);
    EXPECT_NEAR(attr(file, g + "n_eff"), n_eff, 1e-5 * n_eff);  // the product is single precision
    const auto pbo = brute_force_pbo(ref, n_sets, j0, 4, live / 4);
    EXPECT_EQ(attr(file, g + "splits"), 6.0);  // C(4, 2)
    EXPECT_NEAR(attr(file, g + "pbo"), pbo[0], 1e-12);
    EXPECT_NEAR(attr(file, g + "prob_oos_loss"), pbo[1], 1e-12);
    EXPECT_NEAR(attr(file, g + "degradation_slope"), pbo[2], 1e-8);
  }
  EXPECT_FALSE(file.attrs.contains("/overfitting@pbo"));  // several symbols: one group each
}

TEST(SweepOverfitting, SkipsWithAStatedReasonInsteadOfFailing) {
  // One parameter set: no trials to deflate against; the sweep itself runs as before.
  const std::string one_set =
      "job: sweep\nname: t\ndata: {file: d.h5}\n"
      "strategy:\n  kind: sma_crossover\n  params:\n    fast: {values: [5]}\n    slow: {values: [20]}\n";
  const SweepJob single(parse_sweep_spec(one_set, "t.yaml"), symbols({300}));
  EXPECT_EQ(single.num_stages(), 1u);
  const auto a = testing::run_stages(single);
  EXPECT_NE(std::get<std::string>(a.attrs.at("/overfitting@skipped")).find("at least 2 trials"), std::string::npos);
  EXPECT_EQ(a.tables.at("/sweep")->rows(), 1u);
  // 60 bars: 20 live bars, too few for 16 blocks of 2; the 400-bar symbol still gets them.
  const SweepJob mixed(parse_sweep_spec(sweep_spec("{pbo_blocks: 16}"), "t.yaml"), symbols({60, 400}));
  ASSERT_EQ(mixed.overfitting_symbols(), (std::vector<std::size_t>{1}));
  const auto b = testing::run_stages(mixed);
  EXPECT_NE(std::get<std::string>(b.attrs.at("/overfitting/SYM0@skipped")).find("20 live bars are too few"),
            std::string::npos);
  EXPECT_FALSE(b.attrs.contains("/overfitting/SYM0@dsr"));
  EXPECT_TRUE(b.attrs.contains("/overfitting/SYM1@dsr"));
  EXPECT_TRUE(b.attrs.contains("/overfitting/SYM1@pbo"));
}

TEST(SweepOverfitting, TurnedOffByFalseOrEnabledFalse) {
  for (const char* off : {"false", "{enabled: false}", "{enabled: false, pbo_blocks: 8}"}) {
    const SweepJob job(parse_sweep_spec(sweep_spec(off), "t.yaml"), symbols({400}));
    EXPECT_EQ(job.num_stages(), 1u) << off;
    EXPECT_FALSE(has_group(testing::run_stages(job), "/overfitting")) << off;
  }
  const SweepJob on(parse_sweep_spec(sweep_spec("true"), "t.yaml"), symbols({400}));
  EXPECT_EQ(on.num_stages(), 4u);
  EXPECT_EQ(on.spec().overfitting.pbo_blocks, 12);  // the sweep's default S (kSweepPboBlocks)
  EXPECT_EQ(parse_sweep_spec(sweep_spec("{enabled: true}"), "t.yaml").overfitting.pbo_blocks, 12);
}

TEST(SweepOverfitting, OffByDefaultForLargeSweepsUnlessAsked) {
  // fast 1..317 x slow 2..318 = 100,489 sets: above kSweepOverfittingMaxSets on one symbol.
  const std::string big =
      "job: sweep\nname: t\ndata: {file: d.h5}\n"
      "strategy:\n  kind: sma_crossover\n  params:\n    fast: {from: 1, to: 317, step: 1}\n"
      "    slow: {from: 2, to: 318, step: 1}\n";
  const auto one = symbols({400});
  const SweepJob by_default(parse_sweep_spec(big, "t.yaml"), one);
  EXPECT_EQ(by_default.num_stages(), 1u);
  EXPECT_NE(by_default.overfitting_skipped(0).find("100489 parameter sets exceed the 100000 computed by default"),
            std::string::npos)
      << by_default.overfitting_skipped(0);
  const SweepJob asked(parse_sweep_spec(big + "overfitting: true\n", "t.yaml"), one);
  EXPECT_EQ(asked.num_stages(), 4u);
  EXPECT_TRUE(asked.overfitting_skipped(0).empty());
  // 48 sets on 41,667 symbols: 2,000,016 pairs.
  const SweepJob many(parse_sweep_spec(sweep_spec("{}").substr(0, sweep_spec("{}").find("overfitting")), "t.yaml"),
                      symbols(std::vector<std::int64_t>(41'667, 60)));
  EXPECT_NE(many.overfitting_skipped(0).find("48 parameter sets x 41667 symbols exceed the 2000000"), std::string::npos)
      << many.overfitting_skipped(0);
}

TEST(SweepOverfitting, SpecErrorsAreLocated) {
  const auto message = [](const std::string& text, const std::string& kind) {
    try {
      if (kind == "sweep")
        parse_sweep_spec(text, "t.yaml");
      else
        parse_walkforward_spec(text, "t.yaml");
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message(sweep_spec("{pbo_blocks: 5}"), "sweep").find("t.yaml:11: overfitting.pbo_blocks: must be an even"),
            std::string::npos);
  EXPECT_NE(message(sweep_spec("{blocks: 8}"), "sweep").find("t.yaml:11"), std::string::npos);
  const std::string wf = std::string("job: walkforward\nname: t\ndata: {file: d.h5}\n") + kSearch +
                         "windows: {in_sample: 120, out_of_sample: 40}\noverfitting: false\n";
  EXPECT_NE(message(wf, "walkforward").find("cannot be turned off"), std::string::npos) << message(wf, "walkforward");
}

TEST(SweepOverfitting, ALostTaskMarksTheStatisticsIncompleteAndLeavesTheSweepAlone) {
  const SweepJob job(parse_sweep_spec(sweep_spec("{pbo_blocks: 4}"), "t.yaml"), symbols({400}));
  testing::FakeRunFile file;
  auto reducer = job.make_reducer(file);
  std::vector<double> input, records;
  for (std::uint32_t stage = 0; stage < job.num_stages(); ++stage) {
    for (std::uint64_t t = 0; t < job.num_tasks(stage, input); ++t) {
      if (stage == 2 && t == 0) {
        reducer->task_failed(stage, t, "lost");
        continue;
      }
      job.run_task(stage, input, t, records);
      reducer->consume(stage, t, records);
    }
    input = reducer->end_stage(stage);
    if (stage == 2) {
      EXPECT_TRUE(input.empty());  // nothing for the PBO stage
    }
  }
  EXPECT_EQ(job.num_tasks(3, {}), 0u);
  EXPECT_NE(std::get<std::string>(file.attrs.at("/overfitting@incomplete")).find("1 task(s) of sweep stage 2 failed"),
            std::string::npos);
  EXPECT_FALSE(file.attrs.contains("/overfitting@dsr"));
  EXPECT_FALSE(file.attrs.contains("/overfitting@pbo"));
  EXPECT_EQ(std::get<std::int64_t>(file.attrs.at("/sweep@failed_tasks")), 0);
  EXPECT_EQ(file.tables.at("/sweep")->rows(), 48u);
}

TEST(SweepOverfitting, TasksAreIndependentOfCallOrder) {
  const SweepJob job(parse_sweep_spec(sweep_spec("{pbo_blocks: 4}"), "t.yaml"), symbols({400, 300}));
  const auto forward = testing::run_stages(job);
  // The same stages with every stage's tasks run last to first, then handed over in order.
  testing::FakeRunFile file;
  auto reducer = job.make_reducer(file);
  std::vector<double> input;
  for (std::uint32_t stage = 0; stage < job.num_stages(); ++stage) {
    std::vector<std::vector<double>> records(job.num_tasks(stage, input));
    for (std::uint64_t t = records.size(); t-- > 0;) job.run_task(stage, input, t, records[t]);
    for (std::uint64_t t = 0; t < records.size(); ++t) reducer->consume(stage, t, records[t]);
    input = reducer->end_stage(stage);
  }
  EXPECT_EQ(file.attrs, forward.attrs);
}

}  // namespace
}  // namespace qg::jobs
