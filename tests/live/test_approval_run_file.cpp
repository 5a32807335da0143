// Picking a sweep row for approval (--best, --row) against the run file read independently,
// and keeping records under /approvals without touching the results.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "live_fixture.hpp"
#include "qg/core/error.hpp"
#include "qg/kernels/backtest.hpp"
#include "qg/kernels/strategy.hpp"
#include "qg/results/approvals.hpp"
#include "sweep/sweep_candidate.hpp"
#include "qg/results/run_file.hpp"
#include "qg/core/sha256.hpp"

namespace qg::live {
namespace {

using namespace testing;

//! A real sma_crossover sweep over two synthetic symbols, written like the sweep writer does.
void write_sweep(const std::filesystem::path& path) {
  auto file = results::RunFile::create(path);
  file->set_attribute("/", "job_kind", "sweep");
  file->set_attribute("/", "job_name", "approval-test");
  file->set_attribute("/", "spec_sha256", sha256_hex("spec"));
  file->set_attribute("/", "data_sha256", sha256_hex("data"));
  file->set_attribute("/sweep", "strategy", "sma_crossover");
  file->set_attribute("/sweep", "mode", "long_short");
  file->set_attribute("/sweep", "rank_by", "sharpe");
  file->set_attribute("/sweep", "cost_per_unit", 3e-4);
  std::vector<results::Column> cols{{"combo", results::ColumnType::kInt64},
                                    {"symbol", results::ColumnType::kInt64},
                                    {"params/fast", results::ColumnType::kFloat64},
                                    {"params/slow", results::ColumnType::kFloat64}};
  for (const auto& m : kernels::metric_names())
    cols.push_back({"metrics/" + std::string(m), results::ColumnType::kFloat64});
  auto& table = file->create_table("/sweep", cols);
  const auto& strategy = *kernels::find_strategy("sma_crossover");
  for (std::uint32_t sym = 0; sym < 2; ++sym) {
    const auto bars = kernels::generate_bars(11, sym, 400);
    const kernels::PreparedSeries series(kernels::BarsView{bars.high, bars.low, bars.close});
    int combo = 0;
    for (double fast = 2; fast <= 10; fast += 2)
      for (double slow = 12; slow <= 40; slow += 7, ++combo) {
        const double set[2] = {fast, slow};
        double metrics[kernels::kNumMetrics];
        std::vector<std::int8_t> scratch;
        kernels::evaluate_block(strategy, series, set, 1, kernels::PositionMode::kLongShort, 3e-4, metrics, scratch);
        std::vector<double> row{double(combo), double(sym), fast, slow};
        row.insert(row.end(), metrics, metrics + kernels::kNumMetrics);
        table.append(row);
      }
  }
  file->write_strings("/sweep/symbols", {"AAA", "BBB"});
  file->commit();
}

class ApprovalRunFile : public ::testing::Test {
 protected:
  void SetUp() override { write_sweep(run_); }
  TempDir dir_;
  std::filesystem::path run_ = dir_ / "sweep.h5";
};

TEST_F(ApprovalRunFile, BestPicksTheRowWithTheLargestMetric) {
  const auto c = jobs::best_sweep_candidate(run_, "sharpe", false);
  // Independently: read the table and find the best row by hand.
  const auto table = results::RunReader::open(run_)->read_table("/sweep");
  const auto& sharpe = table.column("metrics/sharpe");
  std::size_t best = 0;
  for (std::size_t i = 1; i < sharpe.size(); ++i)
    if (sharpe[i] > sharpe[best]) best = i;
  EXPECT_EQ(c.row, static_cast<std::int64_t>(best));
  EXPECT_EQ(c.params[0].first, "fast");
  EXPECT_EQ(c.params[0].second, table.column("params/fast")[best]);
  EXPECT_EQ(c.params[1].second, table.column("params/slow")[best]);
  EXPECT_EQ(c.symbol, table.column("symbol")[best] == 0 ? "AAA" : "BBB");
  for (const auto& [name, value] : c.metrics) {
    const double expected = table.column("metrics/" + name)[best];
    if (std::isnan(expected))
      EXPECT_TRUE(std::isnan(value)) << name;
    else
      EXPECT_EQ(value, expected) << name;
  }
  EXPECT_EQ(c.strategy, "sma_crossover");
  EXPECT_EQ(c.mode, "long_short");
  EXPECT_EQ(c.cost_per_unit, 3e-4);
  EXPECT_EQ(c.spec_sha256, sha256_hex("spec"));
  EXPECT_EQ(c.run_sha256, sha256_file(run_));
  EXPECT_EQ(c.results_digest, results::RunReader::open(run_)->datasets_digest());
}

TEST_F(ApprovalRunFile, AscendingPicksTheSmallest) {
  const auto c = jobs::best_sweep_candidate(run_, "max_drawdown", true);
  const auto dd = results::RunReader::open(run_)->read_table("/sweep").column("metrics/max_drawdown");
  EXPECT_EQ(c.metrics[static_cast<std::size_t>(kernels::Metric::kMaxDrawdown)].second,
            *std::min_element(dd.begin(), dd.end()));
}

TEST_F(ApprovalRunFile, WherePicksTheBestPassingRow) {
  // The reference: a plain loop over the table for the largest sharpe among rows with
  // trades >= the median trade count and slow > 20 (ties to the first row).
  const auto table = results::RunReader::open(run_)->read_table("/sweep");
  const auto& sharpe = table.column("metrics/sharpe");
  const auto& trades = table.column("metrics/trades");
  const auto& slow = table.column("params/slow");
  std::vector<double> sorted = trades;
  std::sort(sorted.begin(), sorted.end());
  const double bound = sorted[sorted.size() / 2];
  std::int64_t want = -1;
  for (std::size_t i = 0; i < table.rows(); ++i) {
    if (!(trades[i] >= bound && slow[i] > 20) || std::isnan(sharpe[i])) continue;
    if (want < 0 || sharpe[i] > sharpe[static_cast<std::size_t>(want)]) want = static_cast<std::int64_t>(i);
  }
  ASSERT_GE(want, 0);
  const std::string where = "trades >= " + std::to_string(bound) + " and slow > 20";
  EXPECT_EQ(jobs::best_sweep_candidate(run_, "sharpe", false, where).row, want);
  // --row checks the row against the filter: a row with slow == 12 fails "slow > 20".
  EXPECT_EQ(jobs::sweep_candidate_at(run_, want, where).row, want);
  EXPECT_THROW(jobs::sweep_candidate_at(run_, 0, "slow > 20"), DataError);  // row 0: slow 12
  EXPECT_THROW(jobs::best_sweep_candidate(run_, "sharpe", false, "slow > 1000"), DataError);
  EXPECT_THROW(jobs::best_sweep_candidate(run_, "sharpe", false, "no_column > 1"), DataError);
  EXPECT_THROW(jobs::best_sweep_candidate(run_, "sharpe", false, "slow >"), ConfigError);
}

TEST_F(ApprovalRunFile, RowPicksThatRow) {
  const auto table = results::RunReader::open(run_)->read_table("/sweep");
  const auto c = jobs::sweep_candidate_at(run_, 23);
  EXPECT_EQ(c.row, 23);
  EXPECT_EQ(c.combo, static_cast<std::int64_t>(table.column("combo")[23]));
  EXPECT_EQ(c.params[1].second, table.column("params/slow")[23]);
  EXPECT_EQ(c.symbol, "AAA");  // rows 0..24 are AAA
  EXPECT_THROW(jobs::sweep_candidate_at(run_, 50), DataError);
  EXPECT_THROW(jobs::best_sweep_candidate(run_, "no_such_metric", false), DataError);
}

TEST_F(ApprovalRunFile, AppendingKeepsResultsAndRefusesDuplicates) {
  TempDir keys_dir;
  Keys keys(keys_dir.path());
  const std::string digest = results::RunReader::open(run_)->datasets_digest();
  const std::string record = signed_record(make_draft(5), keys.approver);
  results::append_approval(run_, "v5", record);
  const auto approvals = results::read_approvals(run_);
  ASSERT_EQ(approvals.size(), 1u);
  EXPECT_EQ(approvals[0].first, "v5");
  EXPECT_EQ(approvals[0].second, record);
  EXPECT_EQ(results::RunReader::open(run_)->datasets_digest(), digest);
  const std::string before = sha256_file(run_);
  EXPECT_THROW(results::append_approval(run_, "v5", record), DataError);
  EXPECT_EQ(sha256_file(run_), before);  // a failed append leaves the file as it was
  EXPECT_FALSE(std::filesystem::exists(run_.string() + ".approval.tmp"));
  EXPECT_TRUE(decode_signed(approvals[0].second).contains("signature"));
}

}  // namespace
}  // namespace qg::live
