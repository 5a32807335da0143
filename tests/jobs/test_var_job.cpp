// The var job: the exact tail merge against a brute-force sort of every scenario, task-order
// independence, Euler components summing to the totals, historical VaR on a hand-computed
// sample, stress P&L by hand, the P&L histogram against a plain scan of every scenario, and one
// clear located error per kind of bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <numeric>
#include <cmath>
#include <cstring>
#include <functional>
#include <random>
#include <thread>
#include <variant>

#include "fake_run_file.hpp"
#include "qg/core/error.hpp"
#include "qg/jobs/job.hpp"
#include "var/pnl_histogram.hpp"
#include "var/tail_components.hpp"
#include "var/var_analytics.hpp"
#include "var/var_job.hpp"
#include "var/var_spec.hpp"
#include "qg/kernels/synthetic.hpp"
#include "qg/kernels/var/simulate.hpp"
#include "qg/kernels/var/tail.hpp"

namespace qg::jobs {
namespace {

namespace kv = kernels::var;

std::shared_ptr<const MarketData> synthetic(int n_symbols, std::int64_t n_bars) {
  auto data = std::make_shared<MarketData>();
  for (int s = 0; s < n_symbols; ++s) {
    const auto bars = kernels::generate_bars(3, static_cast<std::uint32_t>(s), n_bars);
    SymbolBars sym;
    sym.symbol = "SYN00" + std::to_string(s);
    for (std::int64_t t = 0; t < n_bars; ++t) sym.date.push_back(static_cast<std::int32_t>(20000101 + t));
    sym.open = bars.open, sym.high = bars.high, sym.low = bars.low, sym.close = bars.close, sym.volume = bars.volume;
    data->symbols.push_back(std::move(sym));
  }
  return data;
}

std::string spec(const std::string& model, const std::string& extra = "") {
  return "job: var\nname: t\ndata: {file: d.h5}\n"
         "portfolio:\n  positions:\n"
         "    - {symbol: SYN000, quantity: 10}\n"
         "    - {symbol: SYN001, quantity: -4}\n"
         "    - {option: call, symbol: SYN002, strike: 100, expiry_days: 60, vol: 0.22, quantity: 30}\n"
         "model: " +
         model +
         "\n"
         "confidence: [0.95, 0.975, 0.99]\nscenarios: 50000\nbatch: 4096\nseed: 11\n" +
         extra;
}

//! Runs every stage in the given task order through the reducer into a fake run file.
testing::FakeRunFile run(const Job& job, bool reverse = false) {
  testing::FakeRunFile file;
  auto reducer = job.make_reducer(file);
  std::vector<double> input;
  for (std::uint32_t stage = 0; stage < job.num_stages(); ++stage) {
    const std::uint64_t n = job.num_tasks(stage, input);
    std::vector<std::vector<double>> out(n);
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::uint64_t t = reverse ? n - 1 - i : i;
      job.run_task(stage, input, t, out[t]);
    }
    for (std::uint64_t t = 0; t < n; ++t) reducer->consume(stage, t, out[t]);
    input = reducer->end_stage(stage);
  }
  return file;
}

double summary(const testing::FakeRunFile& f, int method, double level, int column) {
  const auto& t = *f.tables.at("/var/summary");
  for (std::size_t r = 0; r < t.rows(); ++r)
    if (t.at(r, 0) == method && t.at(r, 1) == level) return t.at(r, static_cast<std::size_t>(column));
  ADD_FAILURE() << "no summary row";
  return 0;
}

TEST(VarJob, TailMergeEqualsAFullSortOfEveryScenario) {
  for (const char* model : {"{window: 300, distribution: student_t, nu: 5}", "{window: 300, covariance: ewma}",
                            "{window: 300, distribution: historical}"}) {
    auto job = make_job(spec(model), "t.yaml", synthetic(3, 600));
    const auto file = run(*job);
    const auto& var_job = dynamic_cast<const VarJob&>(*job);
    const kv::Simulator sim(var_job.setup().model, var_job.setup().book, 11);
    kv::SimWorkspace ws;
    std::vector<double> all;
    for (std::uint64_t b = 0; b < job->num_tasks(0, {}); ++b) {
      std::vector<double> l(var_job.batch_rows(b));
      sim.losses(b, 0, l.size(), l.data(), ws);
      all.insert(all.end(), l.begin(), l.end());
    }
    ASSERT_EQ(all.size(), 50000u);
    for (double a : {0.95, 0.975, 0.99}) {
      EXPECT_EQ(summary(file, 0, a, 2), kv::empirical_var(all, a)) << model << " " << a;
      EXPECT_DOUBLE_EQ(summary(file, 0, a, 3), kv::empirical_es(all, a)) << model << " " << a;
      EXPECT_GT(summary(file, 0, a, 4), 0.0);  // a standard error
    }
  }
}

// Bins [0, 1) in quarters, hand-placed: P&L = -loss.
TEST(PnlHistogram, CountsAHandPlacedSample) {
  const PnlHistogram h(0.0, 1.0, 4);
  EXPECT_EQ(h.edge(0), 0.0);
  EXPECT_EQ(h.edge(2), 0.5);
  EXPECT_EQ(h.edge(4), 1.0);
  const std::vector<double> losses = {-0.1, -0.25, -0.999, 0.5, -1.0, std::nan(""), -0.0};
  std::vector<double> counts(h.width(), 7.0), ref(h.width());
  h.count(losses, counts);
  // 0.1, 0 and -0.0 in [0, .25); 0.25 in [.25, .5); 0.999 in [.75, 1); -0.5 below; 1 above; NaN nowhere.
  EXPECT_EQ(counts, (std::vector<double>{2, 1, 0, 1, 1, 1}));
  count_pnl_ref(h, losses, ref);
  EXPECT_EQ(ref, counts);
}

//! Every scenario of the run, batch by batch (the simulator the job uses, seed 11).
std::vector<double> every_loss(const VarJob& job) {
  const kv::Simulator sim(job.setup().model, job.setup().book, 11);
  kv::SimWorkspace ws;
  std::vector<double> all;
  for (std::uint64_t b = 0; b < job.num_tasks(0, {}); ++b) {
    std::vector<double> l(job.batch_rows(b));
    sim.losses(b, 0, l.size(), l.data(), ws);
    all.insert(all.end(), l.begin(), l.end());
  }
  return all;
}

// The bins span the delta-normal P&L's mean +- 8 standard deviations: d'mu +- 8 sqrt(d' Sigma d)
// with d the delta exposure per asset, here summed by plain loops.
TEST(PnlHistogram, BinsFollowTheDeltaNormalScale) {
  auto job = make_job(spec("{window: 300}"), "t.yaml", synthetic(3, 600));
  const VarSetup& s = dynamic_cast<const VarJob&>(*job).setup();
  const Eigen::VectorXd d = s.book.delta_exposure();
  double mean = 0, variance = 0;
  for (Eigen::Index i = 0; i < d.size(); ++i) {
    mean += d(i) * s.mean(i);
    for (Eigen::Index j = 0; j < d.size(); ++j) variance += d(i) * s.cov(i, j) * d(j);
  }
  const PnlHistogram h = PnlHistogram::for_setup(s);
  const double half = 8 * std::sqrt(variance);
  EXPECT_NEAR(h.lower(), mean - half, 1e-9 * half);
  EXPECT_NEAR(h.upper(), mean + half, 1e-9 * half);
  EXPECT_EQ(h.bins(), 100u);
  EXPECT_NEAR(h.edge(50), mean, 1e-9 * half);
}

TEST(VarJob, PnlHistogramCountsEveryScenarioOnce) {
  auto job = make_job(spec("{window: 300, distribution: student_t, nu: 4}"), "t.yaml", synthetic(3, 600));
  const auto& var_job = dynamic_cast<const VarJob&>(*job);
  const auto file = run(*job, true);
  const PnlHistogram& h = var_job.histogram();
  std::vector<double> expected(h.width());
  count_pnl_ref(h, every_loss(var_job), expected);
  const auto& t = *file.tables.at("/var/pnl_histogram");
  ASSERT_EQ(t.rows(), PnlHistogram::kBins);
  double total = 0;
  for (std::size_t i = 0; i < t.rows(); ++i) {
    EXPECT_EQ(t.at(i, 0), h.edge(i));
    EXPECT_EQ(t.at(i, 1), h.edge(i + 1));
    EXPECT_EQ(t.at(i, 2), expected[i]) << "bin " << i;
    total += t.at(i, 2);
  }
  const auto below = std::get<std::int64_t>(file.attrs.at("/var/pnl_histogram@below"));
  const auto above = std::get<std::int64_t>(file.attrs.at("/var/pnl_histogram@above"));
  EXPECT_EQ(below, expected[h.bins()]);
  EXPECT_EQ(above, expected[h.bins() + 1]);
  EXPECT_EQ(total + static_cast<double>(below + above), 50000.0);
  EXPECT_GT(total, 49000.0);  // +-8 delta-normal sigmas hold nearly every scenario
}

TEST(VarJob, ResultsDoNotDependOnTaskOrder) {
  auto a = make_job(spec("{window: 300, distribution: student_t, nu: 4}"), "t.yaml", synthetic(3, 600));
  auto b = make_job(spec("{window: 300, distribution: student_t, nu: 4}"), "t.yaml", synthetic(3, 600));
  const auto fa = run(*a), fb = run(*b, true);
  // Bytes, not values: NaN standard errors must match too.
  for (const auto& [name, table] : fa.tables) {
    const auto& other = fb.tables.at(name)->values;
    ASSERT_EQ(table->values.size(), other.size()) << name;
    EXPECT_EQ(std::memcmp(table->values.data(), other.data(), other.size() * sizeof(double)), 0) << name;
  }
  // Threads: a task computed on another thread gives the same bits.
  std::vector<double> here, there;
  a->run_task(0, {}, 3, here);
  std::thread([&] { a->run_task(0, {}, 3, there); }).join();
  EXPECT_EQ(here, there);
}

TEST(VarJob, ComponentsSumToVarAndEsForEveryMethod) {
  auto job = make_job(spec("{window: 300}"), "t.yaml", synthetic(3, 600));
  const auto file = run(*job);
  const auto& c = *file.tables.at("/var/components");
  for (int method = 0; method < 3; ++method)
    for (double a : {0.95, 0.975, 0.99}) {
      double cv = 0, ce = 0;
      for (std::size_t r = 0; r < c.rows(); ++r)
        if (c.at(r, 0) == method && c.at(r, 2) == a) cv += c.at(r, 3), ce += c.at(r, 4);
      EXPECT_NEAR(cv, summary(file, method, a, 2), 1e-9 * summary(file, method, a, 2)) << method << " " << a;
      EXPECT_NEAR(ce, summary(file, method, a, 3), 1e-9 * summary(file, method, a, 3)) << method << " " << a;
    }
}

// The Monte Carlo incremental VaR of position k at level a is VaR_a minus the rank-r_a largest
// (loss - P&L_k) over the tail rows (tail_figures). Expected values from a full sort of each
// position's column, on hand-made rows of three positions with many ties: 2,501 rows for
// 50,000 scenarios (a_min = 0.95), so the ranks are 501, 1,251 and 2,501 (the 95% rank is the
// last row: the column's minimum).
TEST(VarJob, IncrementalVarIsTheOrderStatisticOfEachPositionsRemovedLoss) {
  auto job = make_job(spec("{window: 300}"), "t.yaml", synthetic(3, 600));
  const VarSetup& setup = dynamic_cast<const VarJob&>(*job).setup();
  const std::size_t p = 3, w = 2 + p, k = 2501;
  const std::uint64_t n_total = 50000;
  std::vector<double> rows(k * w);
  std::uint64_t x = 12345;
  const auto next = [&x](int range) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(static_cast<int>((x >> 33) % static_cast<std::uint64_t>(range)));
  };
  for (std::size_t i = 0; i < k; ++i) {
    rows[i * w] = 5000.0 - static_cast<double>(i / 3);  // descending, ties of three
    rows[i * w + 1] = static_cast<double>(i);
    for (std::size_t j = 0; j < p; ++j) rows[i * w + 2 + j] = next(400) - 200;  // P&L with ties
  }
  const TailComponents components(n_total, setup.spec.confidence, k, p);
  TailInputs tail{n_total, std::vector<double>(k), std::vector<double>(components.width(), 0.0), rows};
  for (std::size_t i = 0; i < k; ++i) tail.losses[i] = rows[i * w];
  const MethodFigures f = tail_figures(setup, tail);
  const std::vector<double> levels = {0.95, 0.975, 0.99};
  ASSERT_EQ(f.incremental_var.size(), levels.size());
  for (std::size_t l = 0; l < levels.size(); ++l) {
    const std::uint64_t rank = kv::var_rank(n_total, levels[l]);
    ASSERT_LE(rank, k);
    for (std::size_t j = 0; j < p; ++j) {
      std::vector<double> col(k);
      for (std::size_t i = 0; i < k; ++i) col[i] = rows[i * w] + rows[i * w + 2 + j];
      std::sort(col.begin(), col.end(), std::greater<>());
      EXPECT_EQ(f.incremental_var[l][j], f.var[l] - col[rank - 1]) << levels[l] << " " << j;
    }
  }
  EXPECT_EQ(kv::var_rank(n_total, 0.95), k);  // the minimum's path is the one taken
}

// Component sums against the definitions written out as plain loops over the tail in rank
// order (docs/var.md): component ES = -sum_i w_i P&L_ik with the Acerbi-Tasche weights; component
// VaR = the mean loss of position k over ranks within max(1, r/20) of the VaR rank r, rescaled to
// sum to VaR. One pass in rank order gives the loops' bits; the tail cut in three parts of
// shuffled ranks, each summed alone and the parts added, gives them to rounding.
TEST(TailComponents, SumsOverPartsEqualThePlainDefinitions) {
  const std::uint64_t n = 200;
  const std::vector<double> levels = {0.9, 0.95}, var = {3.5, 4.25};
  const std::size_t k_rows = kv::tail_size(n, 0.9), p = 3;
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal;
  std::vector<double> pnl(k_rows * p);
  for (double& v : pnl) v = normal(rng);
  const TailComponents c(n, levels, k_rows, p);
  ASSERT_EQ(c.width(), 2 * p * levels.size());
  std::vector<double> one(c.width(), 0.0);
  for (std::size_t r = 0; r < k_rows; ++r) c.add(r, pnl.data() + r * p, one);
  std::vector<std::size_t> order(k_rows);
  std::iota(order.begin(), order.end(), 0u);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<double> parts(c.width(), 0.0);
  for (std::size_t first = 0; first < k_rows; first += 8) {
    std::vector<double> part(c.width(), 0.0);
    for (std::size_t i = first; i < std::min(k_rows, first + 8); ++i) c.add(order[i], pnl.data() + order[i] * p, part);
    for (std::size_t j = 0; j < part.size(); ++j) parts[j] += part[j];
  }
  for (std::size_t l = 0; l < levels.size(); ++l) {
    std::vector<double> ces(p, 0.0), cvar(p, 0.0);
    for (std::size_t i = 0; i < k_rows; ++i)
      for (std::size_t k = 0; k < p; ++k) ces[k] -= kv::es_weight(n, levels[l], i) * pnl[i * p + k];
    const std::uint64_t rank = kv::var_rank(n, levels[l]), half = std::max<std::uint64_t>(1, rank / 20);
    const std::uint64_t lo = rank - 1 > half ? rank - 1 - half : 0,
                        hi = std::min<std::uint64_t>(k_rows - 1, rank - 1 + half);
    double total = 0;
    for (std::size_t k = 0; k < p; ++k) {
      for (std::uint64_t i = lo; i <= hi; ++i) cvar[k] -= pnl[i * p + k];
      total += cvar[k] /= static_cast<double>(hi - lo + 1);
    }
    for (double& v : cvar) v *= var[l] / total;
    EXPECT_EQ(c.component_es(one)[l], ces) << l;
    EXPECT_EQ(c.component_var(one, var)[l], cvar) << l;
    for (std::size_t k = 0; k < p; ++k) {
      EXPECT_NEAR(c.component_es(parts)[l][k], ces[k], 1e-13) << l << " " << k;
      EXPECT_NEAR(c.component_var(parts, var)[l][k], cvar[k], 1e-12) << l << " " << k;
    }
  }
}

// Without incremental VaR, stage 2 sends each task's component sums alone (no per-position
// rows reach the coordinator), and every other figure keeps its bits: the sums are the same
// either way. Incremental VaR is NaN and the /var attribute says so.
TEST(VarJob, ComponentsWithoutTheTailRowsAreTheSameBits) {
  const std::string model = "{window: 300}";
  auto with = make_job(spec(model, "incremental_var: true\n"), "t.yaml", synthetic(3, 600));
  auto without = make_job(spec(model, "incremental_var: false\n"), "t.yaml", synthetic(3, 600));
  auto automatic = make_job(spec(model), "t.yaml", synthetic(3, 600));
  const auto& job = dynamic_cast<const VarJob&>(*without);
  EXPECT_TRUE(dynamic_cast<const VarJob&>(*automatic).keeps_tail_rows());  // 2,501 rows of 5 doubles
  EXPECT_FALSE(job.keeps_tail_rows());
  const auto fa = run(*with), fb = run(*without);
  EXPECT_EQ(std::get<std::string>(fa.attrs.at("/var@incremental_var")), "tail");
  EXPECT_EQ(std::get<std::string>(fb.attrs.at("/var@incremental_var")), "none");
  const auto &ca = *fa.tables.at("/var/components"), &cb = *fb.tables.at("/var/components");
  ASSERT_EQ(ca.rows(), cb.rows());
  for (std::size_t r = 0; r < ca.rows(); ++r) {
    for (std::size_t col = 0; col < 6; ++col) EXPECT_EQ(ca.at(r, col), cb.at(r, col)) << r << " " << col;
    EXPECT_FALSE(std::isnan(ca.at(r, 6)));
    EXPECT_EQ(std::isnan(cb.at(r, 6)), ca.at(r, 0) == 0) << "row " << r;  // NaN for Monte Carlo only
  }
  const auto &sa = fa.tables.at("/var/summary")->values, &sb = fb.tables.at("/var/summary")->values;
  EXPECT_EQ(std::memcmp(sa.data(), sb.data(), sa.size() * sizeof(double)), 0);
  // Stage 2's records: 2 sums per position and level, whatever the tail of the task.
  std::vector<double> input, out;
  testing::FakeRunFile file;
  auto reducer = without->make_reducer(file);
  for (std::uint32_t stage = 0; stage < VarJob::kTailStage; ++stage) {
    for (std::uint64_t t = 0; t < without->num_tasks(stage, input); ++t) {
      without->run_task(stage, input, t, out);
      reducer->consume(stage, t, out);
    }
    input = reducer->end_stage(stage);
  }
  without->run_task(VarJob::kTailStage, input, 0, out);
  EXPECT_EQ(out.size(), 2u * 3u * 3u);
  EXPECT_EQ(job.max_task_values(VarJob::kTailStage, input), 2u * 3u * 3u);
}

// A bootstrap over 5 return vectors: losses take 5 values, each in about 819 of a batch's 4096
// scenarios, more than the 305 pairs a batch keeps; the merged K-th loss (K = 2501) is the
// largest value, so the batches whose kept pairs all carry it are rerun (stage 1). The
// figures still equal those of a plain sort of all 50,000 (loss, id, P&L per position) rows,
// P&L from the simulator's blocks: VaR, ES and component ES (the Acerbi-Tasche weights of the
// sorted rows) exactly; and no scenario counts twice.
TEST(VarJob, RerunBatchesKeepTheTailExactUnderTies) {
  auto job = make_job(spec("{window: 5, distribution: historical}"), "t.yaml", synthetic(3, 600));
  const auto& var_job = dynamic_cast<const VarJob&>(*job);
  testing::FakeRunFile file;
  auto reducer = job->make_reducer(file);
  std::vector<double> input, out, tail_ids;
  for (std::uint32_t stage = 0; stage < job->num_stages(); ++stage) {
    if (stage == VarJob::kTailStage) tail_ids = input;
    if (stage == VarJob::kRerunStage) {
      EXPECT_GT(job->num_tasks(stage, input), 0u) << "no batch was rerun";
    }
    for (std::uint64_t t = 0; t < job->num_tasks(stage, input); ++t) {
      job->run_task(stage, input, t, out);
      reducer->consume(stage, t, out);
    }
    input = reducer->end_stage(stage);
  }
  const kv::Simulator sim(var_job.setup().model, var_job.setup().book, 11);
  kv::SimWorkspace ws;
  const std::size_t p = 3;
  std::vector<std::array<double, 5>> rows;  // -loss, id, P&L of each position
  std::vector<std::uint32_t> local(kv::kBlockRows);
  std::iota(local.begin(), local.end(), 0u);
  std::vector<double> pnl(kv::kBlockRows * p);
  for (std::uint64_t b = 0; b < job->num_tasks(0, {}); ++b)
    for (std::uint64_t first = 0; first < var_job.batch_rows(b); first += kv::kBlockRows) {
      const auto m = static_cast<std::size_t>(std::min<std::uint64_t>(kv::kBlockRows, var_job.batch_rows(b) - first));
      sim.simulate_block(b, first, m, ws);
      sim.block_position_pnl(ws, std::span(local).first(m), pnl.data());
      for (std::size_t r = 0; r < m; ++r)
        rows.push_back(
            {-ws.loss[r], static_cast<double>(b * 4096 + first + r), pnl[r * p], pnl[r * p + 1], pnl[r * p + 2]});
    }
  ASSERT_EQ(rows.size(), 50000u);
  std::sort(rows.begin(), rows.end());
  // The scenarios of the merged tail are the K first of the sort (ties broken by id).
  // Stage 2's input: those ids ascending, then each one's 0-based rank in the sort.
  const std::size_t k = var_job.tail_capacity();
  std::vector<double> expected_ids;
  for (std::size_t i = 0; i < k; ++i) expected_ids.push_back(rows[i][1]);
  std::sort(expected_ids.begin(), expected_ids.end());
  ASSERT_EQ(tail_ids.size(), 2 * k);
  EXPECT_EQ(std::vector<double>(tail_ids.begin(), tail_ids.begin() + static_cast<std::ptrdiff_t>(k)), expected_ids);
  for (std::size_t i = 0; i < k; ++i) EXPECT_EQ(rows[static_cast<std::size_t>(tail_ids[k + i])][1], tail_ids[i]);
  const auto& c = *file.tables.at("/var/components");
  for (double a : {0.95, 0.975, 0.99}) {
    const std::uint64_t rank = kv::var_rank(50000, a);
    EXPECT_EQ(summary(file, 0, a, 2), -rows[rank - 1][0]) << a;
    std::vector<double> ces(p, 0.0);
    double es = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      es -= kv::es_weight(50000, a, i) * rows[i][0];
      for (std::size_t k = 0; k < p; ++k) ces[k] -= kv::es_weight(50000, a, i) * rows[i][2 + k];
    }
    EXPECT_NEAR(summary(file, 0, a, 3), es, 1e-12 * std::fabs(es)) << a;
    // Incremental VaR: VaR minus the VaR of the book without position k over the tail rows,
    // i.e. the rank-th largest of loss + P&L_k among the K first rows of the sort.
    std::vector<double> without(p);
    for (std::size_t k = 0; k < p; ++k) {
      std::vector<double> col;
      for (std::size_t i = 0; i < var_job.tail_capacity(); ++i) col.push_back(-rows[i][0] + rows[i][2 + k]);
      std::sort(col.begin(), col.end(), std::greater<>());
      without[k] = col[rank - 1];
    }
    for (std::size_t r = 0; r < c.rows(); ++r) {
      if (c.at(r, 0) != 0 || c.at(r, 2) != a) continue;
      const auto k = static_cast<std::size_t>(c.at(r, 1));
      EXPECT_NEAR(c.at(r, 4), ces[k], 1e-12 * std::fabs(es)) << a;
      EXPECT_EQ(c.at(r, 6), -rows[rank - 1][0] - without[k]) << a << " position " << k;
    }
  }
}

// One symbol whose 10 returns are +-1%..5%: with q = 1 and last price p the losses are
// p * {-0.05, ..., -0.01, 0.01, ..., 0.05}. At 0.9: VaR = 9th smallest = 0.04 p, ES = 0.05 p;
// at 0.8: VaR = 0.03 p, ES = (0.05 + 0.04) / 2 p.
TEST(VarJob, HistoricalVarOnAHandComputedSample) {
  auto data = std::make_shared<MarketData>();
  SymbolBars s;
  s.symbol = "ONE";
  const double r[] = {0.01, -0.02, 0.03, -0.04, 0.05, -0.01, 0.02, -0.03, 0.04, -0.05};
  double c = 100;
  s.close.push_back(c);
  for (double x : r) s.close.push_back(c *= 1 + x);
  for (std::size_t t = 0; t < s.close.size(); ++t) s.date.push_back(static_cast<std::int32_t>(20200101 + t));
  s.open = s.high = s.low = s.close;
  s.volume.assign(s.close.size(), 0);
  data->symbols.push_back(s);
  const std::string text =
      "job: var\nname: h\ndata: {file: d.h5}\nportfolio: {positions: [{symbol: ONE, quantity: 1}]}\n"
      "model: {window: 10, mean: sample}\nconfidence: [0.8, 0.9]\nscenarios: 100\n";
  auto job = make_job(text, "h.yaml", data);
  const auto file = run(*job);
  EXPECT_NEAR(summary(file, 1, 0.9, 2), 0.04 * c, 1e-9);
  EXPECT_NEAR(summary(file, 1, 0.9, 3), 0.05 * c, 1e-9);
  EXPECT_NEAR(summary(file, 1, 0.8, 2), 0.03 * c, 1e-9);
  EXPECT_NEAR(summary(file, 1, 0.8, 3), 0.045 * c, 1e-9);
}

TEST(VarJob, StressPnlIsFullRevaluation) {
  auto job = make_job(spec("{window: 300}", "stress:\n  - {name: crash, shocks: {SYN000: -0.2, SYN001: 0.1}}\n"),
                      "t.yaml", synthetic(3, 600));
  const auto file = run(*job);
  const auto& setup = dynamic_cast<const VarJob&>(*job).setup();
  const double expected = 10 * setup.book.prices[0] * -0.2 + -4 * setup.book.prices[1] * 0.1;  // the option: no shock
  const auto& o = setup.book.options[0];
  const double option =
      30 * (kv::bs_price(o.type, setup.book.prices[2], o.strike, o.expiry - 1 / 252.0, 0, o.vol) - o.value0);
  EXPECT_NEAR(file.tables.at("/var/stress")->at(0, 1), expected + option, 1e-9);
  EXPECT_EQ(file.strings.at("/var/stress/name").at(0), "crash");
}

TEST(VarJob, BacktestCoversEveryDayAfterTheWindow) {
  auto job = make_job(spec("{window: 300}", "backtest: {window: 250}\n"), "t.yaml", synthetic(3, 600));
  const auto file = run(*job);
  const auto& b = *file.tables.at("/var/backtest");
  ASSERT_EQ(b.rows(), 3u);
  EXPECT_EQ(b.at(0, 1), 599 - 250);  // 599 returns, forecasts from day 250 on
  EXPECT_EQ(file.tables.at("/var/backtest_days")->rows(), 599u - 250u);
}

void expect_error(const std::string& text, int n_symbols, const std::string& needle) {
  try {
    make_job(text, "bad.yaml", synthetic(n_symbols, 600));
    ADD_FAILURE() << "no error for: " << needle;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(VarJob, BadInputGetsOneLocatedError) {
  std::string s = spec("{window: 300}");
  expect_error(std::string(s).replace(s.find("SYN001"), 6, "NOPE01"), 3,
               "bad.yaml:7: portfolio.positions[1].symbol: unknown symbol 'NOPE01'");
  expect_error(spec("{window: 900}"), 3, "bad.yaml:9: model.window: needs 900 returns but");
  expect_error(std::string(s).replace(s.find("0.975"), 5, "1.5"), 3, "bad.yaml:10: confidence[1]: must be in (0, 1)");
  expect_error(std::string(s).replace(s.find("strike: 100"), 11, "strike: -5"), 3,
               "bad.yaml:8: portfolio.positions[2].strike: must be > 0");
  expect_error(std::string(s).replace(s.find("vol: 0.22"), 9, "vol: 0"), 3, "portfolio.positions[2].vol: must be > 0");
  expect_error(std::string(s).replace(s.find("expiry_days: 60"), 15, "expiry_days: 0"), 3,
               "portfolio.positions[2].expiry_days: must be > 0");
  expect_error(spec("{window: 300, distribution: student_t}"), 3, "model.nu: missing");
  expect_error(spec("{window: 300}", "incremental_var: maybe\n"), 3,
               "bad.yaml:14: incremental_var: must be auto, true or false (got 'maybe')");
}

TEST(VarJob, NonPositiveDefiniteCovarianceNamesTheSymbolsAndSuggestsShrinkage) {
  auto data = std::make_shared<MarketData>(*synthetic(3, 600));
  data->symbols[2].close = data->symbols[0].close;  // SYN002 moves exactly as SYN000
  const std::string text = spec("{window: 300}");
  try {
    make_job(text, "bad.yaml", data);
    ADD_FAILURE() << "no error";
  } catch (const DataError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("bad.yaml:9: model:"), std::string::npos) << what;
    EXPECT_NE(what.find("pivot 2 (SYN002)"), std::string::npos) << what;
    EXPECT_NE(what.find("combination of SYN000"), std::string::npos) << what;
    EXPECT_NE(what.find("model.shrinkage"), std::string::npos) << what;
  }
  EXPECT_NO_THROW(make_job(spec("{window: 300, shrinkage: 0.1}"), "ok.yaml", data));
}

}  // namespace
}  // namespace qg::jobs
