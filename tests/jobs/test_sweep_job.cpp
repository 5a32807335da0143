// The sweep job: task layout, records against direct kernel calls, call-order independence,
// and the reducer's rows through an in-memory run file.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "fake_run_file.hpp"
#include "qg/core/error.hpp"
#include "qg/jobs/job.hpp"
#include "sweep/sweep_job.hpp"
#include "sweep/sweep_reducer.hpp"
#include "qg/kernels/backtest.hpp"
#include "qg/kernels/synthetic.hpp"

namespace qg::jobs {
namespace {

constexpr int kNumMetrics = kernels::kNumMetrics;

// fast = 2..31 (30 values) x slow = 40, 50, ..., 130 (10 values): 300 sets, no constraint.
constexpr const char* kSpec =
    "job: sweep\nname: t\ndata: {file: d.h5}\n"
    "strategy:\n  kind: sma_crossover\n  mode: long_short\n  params:\n"
    "    fast: {from: 2, to: 31, step: 1}\n    slow: {from: 40, to: 130, step: 10}\n"
    "costs: {commission_bps: 2, slippage_bps: 3}\n";

std::shared_ptr<const MarketData> synthetic_data(int n_symbols, std::int64_t n_bars) {
  auto data = std::make_shared<MarketData>();
  for (int s = 0; s < n_symbols; ++s) {
    const auto bars = kernels::generate_bars(42, static_cast<std::uint32_t>(s), n_bars);
    SymbolBars sym;
    sym.symbol = "SYM" + std::to_string(s);
    for (std::int64_t t = 0; t < n_bars; ++t) sym.date.push_back(static_cast<std::int32_t>(20000101 + t));
    sym.open = bars.open;
    sym.high = bars.high;
    sym.low = bars.low;
    sym.close = bars.close;
    sym.volume = bars.volume;
    data->symbols.push_back(std::move(sym));
  }
  return data;
}

// The (fast, slow) of combo c, derived from the spec by hand: fast slowest.
std::pair<double, double> expected_set(std::size_t c) {
  return {2.0 + static_cast<double>(c / 10), 40.0 + 10.0 * static_cast<double>(c % 10)};
}

std::vector<double> run(const Job& job, std::uint64_t task) {
  std::vector<double> out;
  job.run_task(0, {}, task, out);
  return out;
}

TEST(SweepJob, TaskCountAndIdsAreSymbolMajor) {
  const auto job = make_job(kSpec, "t.yaml", synthetic_data(3, 400));
  ASSERT_EQ(job->num_stages(), 4u);  // the sweep, then its overfitting stages (on by default)
  // 300 sets in blocks of 128: 3 blocks (128, 128, 44); 3 symbols -> 9 tasks.
  EXPECT_EQ(job->num_tasks(0, {}), 9u);
  EXPECT_EQ(job->max_task_values(0, {}), 128u * (2 + kNumMetrics));
  for (std::uint64_t t = 0; t < 9; ++t) {
    const auto rec = run(*job, t);
    const std::size_t n = rec.size() / (2 + kNumMetrics);
    EXPECT_EQ(n, t % 3 == 2 ? 44u : 128u);
    EXPECT_EQ(rec[0], static_cast<double>((t % 3) * 128)) << "first combo of task " << t;
    EXPECT_EQ(rec[1], static_cast<double>(t / 3)) << "symbol of task " << t;
  }
}

TEST(SweepJob, RecordsEqualEvaluateBlockCalledDirectly) {
  const auto data = synthetic_data(2, 300);
  const auto job = make_job(kSpec, "t.yaml", data);
  const kernels::Strategy* sma = kernels::find_strategy("sma_crossover");
  ASSERT_NE(sma, nullptr);
  const double cost = 5.0 / 1e4;
  std::vector<std::int8_t> scratch;
  for (std::uint64_t t = 0; t < job->num_tasks(0, {}); ++t) {
    const std::size_t symbol = t / 3, first = (t % 3) * 128, n = std::min<std::size_t>(128, 300 - first);
    std::vector<double> sets;
    for (std::size_t c = first; c < first + n; ++c) {
      sets.push_back(expected_set(c).first);
      sets.push_back(expected_set(c).second);
    }
    const auto& bars = data->symbols[symbol];
    const kernels::PreparedSeries series(kernels::BarsView{bars.high, bars.low, bars.close});
    std::vector<double> metrics(n * kNumMetrics);
    kernels::evaluate_block(*sma, series, sets.data(), static_cast<int>(n), kernels::PositionMode::kLongShort, cost,
                            metrics.data(), scratch);
    const auto rec = run(*job, t);
    ASSERT_EQ(rec.size(), n * (2 + kNumMetrics));
    for (std::size_t j = 0; j < n; ++j) {
      EXPECT_EQ(rec[j * (2 + kNumMetrics)], static_cast<double>(first + j));
      EXPECT_EQ(rec[j * (2 + kNumMetrics) + 1], static_cast<double>(symbol));
      for (int m = 0; m < kNumMetrics; ++m)
        EXPECT_EQ(rec[j * (2 + kNumMetrics) + 2 + static_cast<std::size_t>(m)],
                  metrics[j * kNumMetrics + static_cast<std::size_t>(m)]);
    }
  }
}

TEST(SweepJob, RunTaskIsIndependentOfCallOrderAndThreads) {
  const auto job = make_job(kSpec, "t.yaml", synthetic_data(3, 300));
  const std::uint64_t n = job->num_tasks(0, {});
  std::vector<std::vector<double>> forward(n), backward(n), threaded(n);
  for (std::uint64_t t = 0; t < n; ++t) forward[t] = run(*job, t);
  for (std::uint64_t t = n; t-- > 0;) backward[t] = run(*job, t);
  std::vector<std::thread> threads;
  for (int w = 0; w < 3; ++w)
    threads.emplace_back([&, w] {
      for (std::uint64_t t = static_cast<std::uint64_t>(w); t < n; t += 3) threaded[t] = run(*job, t);
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(forward, backward);
  EXPECT_EQ(forward, threaded);
}

TEST(SweepJob, ReducerWritesRowsInTaskOrderWithTheirParams) {
  const auto data = synthetic_data(2, 300);
  const auto job = make_job(kSpec, "t.yaml", data);
  testing::FakeRunFile file;
  auto reducer = job->make_reducer(file);
  std::vector<std::vector<double>> records;
  for (std::uint64_t t = 0; t < job->num_tasks(0, {}); ++t) {
    records.push_back(run(*job, t));
    reducer->consume(0, t, records.back());
  }
  // Stage 1's input: the number of symbols with overfitting statistics (test_sweep_overfitting).
  EXPECT_EQ(reducer->end_stage(0), std::vector<double>{2.0});

  ASSERT_EQ(file.tables.count("/sweep"), 1u);
  const auto& table = *file.tables.at("/sweep");
  const auto metric_names = kernels::metric_names();
  ASSERT_EQ(table.columns.size(), 4u + metric_names.size());
  EXPECT_EQ(table.columns[0].name, "combo");
  EXPECT_EQ(table.columns[0].type, results::ColumnType::kInt64);
  EXPECT_EQ(table.columns[1].name, "symbol");
  EXPECT_EQ(table.columns[1].type, results::ColumnType::kInt64);
  EXPECT_EQ(table.columns[2].name, "params/fast");
  EXPECT_EQ(table.columns[3].name, "params/slow");
  EXPECT_EQ(table.columns[3].type, results::ColumnType::kFloat64);
  EXPECT_EQ(table.columns[4].name, "metrics/total_return");
  EXPECT_EQ(table.columns.back().name, "metrics/" + std::string(metric_names.back()));

  ASSERT_EQ(table.rows(), 600u);  // 300 sets x 2 symbols, symbol-major
  for (std::size_t r = 0; r < 600; ++r) {
    const std::size_t combo = r % 300, symbol = r / 300;
    ASSERT_EQ(table.at(r, 0), static_cast<double>(combo));
    ASSERT_EQ(table.at(r, 1), static_cast<double>(symbol));
    ASSERT_EQ(table.at(r, 2), expected_set(combo).first);
    ASSERT_EQ(table.at(r, 3), expected_set(combo).second);
  }
  // Metrics are copied from the records unchanged: row 0 is record 0 of task 0.
  for (int m = 0; m < kNumMetrics; ++m)
    EXPECT_EQ(table.at(0, 4 + static_cast<std::size_t>(m)), records[0][2 + static_cast<std::size_t>(m)]);

  EXPECT_EQ(file.strings.at("/sweep/symbols"), (std::vector<std::string>{"SYM0", "SYM1"}));
  EXPECT_EQ(std::get<std::string>(file.attrs.at("/sweep@strategy")), "sma_crossover");
  EXPECT_EQ(std::get<std::string>(file.attrs.at("/sweep@mode")), "long_short");
  EXPECT_EQ(std::get<std::string>(file.attrs.at("/sweep@rank_by")), "sharpe");
  EXPECT_EQ(std::get<std::string>(file.attrs.at("/sweep@search")), "grid");
  EXPECT_EQ(std::get<std::int64_t>(file.attrs.at("/sweep@n_combos")), 300);
  EXPECT_EQ(std::get<std::int64_t>(file.attrs.at("/sweep@n_symbols")), 2);
  EXPECT_EQ(std::get<std::int64_t>(file.attrs.at("/sweep@skipped_invalid")), 0);
  EXPECT_DOUBLE_EQ(std::get<double>(file.attrs.at("/sweep@cost_per_unit")), 5e-4);
  EXPECT_EQ(std::get<std::int64_t>(file.attrs.at("/sweep@failed_tasks")), 0);
}

TEST(SweepJob, ReducerCountsFailedTasks) {
  const auto job = make_job(kSpec, "t.yaml", synthetic_data(1, 300));
  testing::FakeRunFile file;
  auto reducer = job->make_reducer(file);
  reducer->consume(0, 0, run(*job, 0));
  reducer->task_failed(0, 1, "boom");
  reducer->consume(0, 2, run(*job, 2));
  reducer->end_stage(0);
  EXPECT_EQ(file.tables.at("/sweep")->rows(), 128u + 44u);
  EXPECT_EQ(std::get<std::int64_t>(file.attrs.at("/sweep@failed_tasks")), 1);
}

TEST(SweepJob, ReducerHandsRowsToTheTableInBlocksAcrossTasks) {
  // 15 symbols x 300 sets = 4,500 rows from 45 tasks: more than one block of kAppendRows (4,096),
  // so the rows cross a block boundary, and the last block is handed over at end_stage.
  const auto job = make_job(kSpec, "t.yaml", synthetic_data(15, 300));
  testing::FakeRunFile file;
  auto reducer = job->make_reducer(file);
  const auto& table = [&]() -> const testing::FakeTable& { return *file.tables.at("/sweep"); };
  std::vector<double> first_records;
  for (std::uint64_t t = 0; t < job->num_tasks(0, {}); ++t) {
    const auto records = run(*job, t);
    if (t == 0) first_records = records;
    reducer->consume(0, t, records);
    // Before the block fills, nothing reaches the table: rows so far = 128, 256, 300 per symbol.
    if ((t + 1) * 128 < SweepReducer::kAppendRows) {
      EXPECT_EQ(table().rows(), 0u) << "after task " << t;
    }
  }
  // One block: 13 whole symbols (3,900 rows) and two tasks of 128 rows bring it to 4,156 >= 4,096
  // at task 40, handed to the reducer's appending thread; the other 344 rows wait for end_stage,
  // which returns once both blocks are in the table (the table is not read before: the thread may
  // still be appending the first).
  reducer->end_stage(0);
  ASSERT_EQ(table().appended_rows, (std::vector<std::size_t>{4156, 344}));
  ASSERT_EQ(table().rows(), 4500u);
  for (std::size_t r = 0; r < 4500; ++r) {  // symbol-major, combos in order, as in the test above
    const std::size_t combo = r % 300, symbol = r / 300;
    ASSERT_EQ(table().at(r, 0), static_cast<double>(combo)) << "row " << r;
    ASSERT_EQ(table().at(r, 1), static_cast<double>(symbol)) << "row " << r;
    ASSERT_EQ(table().at(r, 2), expected_set(combo).first) << "row " << r;
    ASSERT_EQ(table().at(r, 3), expected_set(combo).second) << "row " << r;
  }
  for (int m = 0; m < kNumMetrics; ++m)
    EXPECT_EQ(table().at(0, 4 + static_cast<std::size_t>(m)), first_records[2 + static_cast<std::size_t>(m)]);
}

TEST(SweepJob, TooFewBarsIsADataErrorNamingTheSymbol) {
  // The longest window is slow = 130: a symbol needs 132 bars.
  try {
    make_job(kSpec, "t.yaml", synthetic_data(2, 131));
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("SYM0"), std::string::npos) << msg;
    EXPECT_NE(msg.find("131 bars"), std::string::npos) << msg;
  }
  EXPECT_NO_THROW(make_job(kSpec, "t.yaml", synthetic_data(2, 132)));
}

TEST(SweepJob, SeriesPreparedInParallelFailWithTheFirstBadSymbolsError) {
  // 64 symbols prepared on the thread pool; two have a non-positive close (the series refuses it),
  // symbol 31 at bar 5 and symbol 32 at bar 7: the last of the first half and the first of the
  // second, where a second thread starts. The error is symbol 31's, however the threads ran.
  auto data = std::make_shared<MarketData>(*synthetic_data(64, 300));
  data->symbols[31].close[5] = 0.0;
  data->symbols[32].close[7] = -1.0;
  for (int attempt = 0; attempt < 20; ++attempt) {
    try {
      (void)make_job(kSpec, "t.yaml", data);
      FAIL() << "bad closes were accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("close[5]"), std::string::npos) << e.what();
    }
  }
}

TEST(SweepJob, DonchianRefusesClosesOnlyAndSmaAcceptsThem) {
  constexpr const char* kDonchian =
      "job: sweep\nname: t\ndata: {file: d.h5}\n"
      "strategy:\n  kind: donchian\n  mode: long_short\n  params:\n"
      "    entry: {from: 20, to: 20, step: 1}\n    exit: {from: 10, to: 10, step: 1}\n"
      "costs: {commission_bps: 2, slippage_bps: 3}\n";
  auto data = std::make_shared<MarketData>(*synthetic_data(2, 200));
  data->symbols[1].real_fields = kCloseOnly;
  try {
    make_job(kDonchian, "t.yaml", data);
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("symbol 'SYM1' has closes only"), std::string::npos) << msg;
    EXPECT_NE(msg.find("donchian needs real high and low prices"), std::string::npos) << msg;
  }
  EXPECT_NO_THROW(make_job(kSpec, "t.yaml", data));
  data->symbols[1].real_fields = kAllBarFields & ~std::uint32_t{kFieldVolume};  // OHLC without volume: fine
  EXPECT_NO_THROW(make_job(kDonchian, "t.yaml", data));
}

TEST(SweepJob, NoSymbolsIsADataError) {
  EXPECT_THROW(make_job(kSpec, "t.yaml", std::make_shared<MarketData>()), DataError);
}

}  // namespace
}  // namespace qg::jobs
