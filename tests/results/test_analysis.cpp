// Analysis reports: print_top ranking, summary, CSV export, store info.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "qg/core/error.hpp"
#include "qg/results/analysis.hpp"
#include "qg/results/market_store.hpp"
#include "sweep_fixture.hpp"
#include "temp_dir.hpp"

namespace qg::results {
namespace {

using testing::TempDir;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> words_of(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

class Analysis : public ::testing::Test {
 protected:
  void SetUp() override { testing::write_sweep_fixture(run_); }
  TempDir dir_;
  std::filesystem::path run_ = dir_ / "sweep.h5";
};

TEST_F(Analysis, TopSortsDescendingWithNanLast) {
  std::ostringstream out;
  print_top(run_, "/sweep", "sharpe", 0, false, out);
  const auto lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 9u);
  EXPECT_EQ(words_of(lines[0]), (std::vector<std::string>{"rank", "combo", "symbol", "fast", "slow", "ret", "sharpe"}));
  EXPECT_EQ(words_of(lines[1]), (std::vector<std::string>{"1", "2", "MSFT", "5", "40", "0.03", "0.7"}));
  EXPECT_EQ(words_of(lines[8]).back(), "nan");
  EXPECT_EQ(words_of(lines[8])[2], "MSFT");
}

TEST_F(Analysis, TopAscendingLimitedToN) {
  std::ostringstream out;
  print_top(run_, "/sweep", "sharpe", 2, true, out);
  const auto lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(words_of(lines[1]), (std::vector<std::string>{"1", "0", "AAPL", "5", "20", "0.01", "0"}));
  EXPECT_EQ(words_of(lines[2])[1], "1");
}

TEST_F(Analysis, TopRanksByAnyColumn) {
  std::ostringstream out;
  print_top(run_, "/sweep", "slow", 1, true, out);  // a parameter column: the smallest slow first
  const auto lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(words_of(lines[1])[4], "20");
}

TEST_F(Analysis, TopColumnsAreAligned) {
  std::ostringstream out;
  print_top(run_, "/sweep", "ret", 3, false, out);
  const auto lines = lines_of(out.str());
  const auto sharpe_end = lines[0].size();
  for (std::size_t i = 1; i < lines.size(); ++i) EXPECT_EQ(lines[i].size(), sharpe_end) << lines[i];
}

TEST_F(Analysis, TopUnknownMetricListsAvailable) {
  std::ostringstream out;
  try {
    print_top(run_, "/sweep", "sortino", 5, false, out);
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("unknown metric 'sortino'"), std::string::npos) << message;
    EXPECT_NE(message.find("available: ret, sharpe"), std::string::npos) << message;
  }
}

TEST_F(Analysis, ProvenanceAndTableOverviewShowMetricStats) {
  std::ostringstream out;
  const auto reader = RunReader::open(run_);
  print_provenance(*reader, run_, out);
  print_table_overview(*reader, "/sweep", out);
  const std::string text = out.str();
  for (const char* fragment : {"job kind", "sweep", "sma_grid", "abc123def456", "0.1.0", "seed", "42",
                               "2026-11-22T04:00:07Z", "/sweep: 8 rows", "strategy = sma_crossover"})
    EXPECT_NE(text.find(fragment), std::string::npos) << fragment << " in:\n" << text;
  bool found = false;
  for (const auto& line : lines_of(text)) {
    if (words_of(line).empty() || words_of(line)[0] != "sharpe") continue;
    EXPECT_EQ(words_of(line), (std::vector<std::string>{"sharpe", "0", "0.3", "0.7", "1"}));  // 7 values, 1 NaN
    found = true;
  }
  EXPECT_TRUE(found) << text;
}

TEST_F(Analysis, ErrorsListsFailedTasks) {
  const auto path = dir_ / "errors.h5";
  auto file = RunFile::create(path);
  TableWriter& errors = file->create_table(
      "/errors", {{"task", ColumnType::kInt64}, {"stage", ColumnType::kInt64}, {"rank", ColumnType::kInt64}});
  errors.append(std::vector<double>{17, 0, 3});
  file->write_strings("/errors/message", {"kernel: window longer than series"});
  file->commit();
  std::ostringstream out;
  print_errors(*RunReader::open(path), out);
  EXPECT_NE(out.str().find("errors: 1"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("kernel: window longer than series"), std::string::npos) << out.str();
}

TEST_F(Analysis, ExportCsvResolvesSymbolsAtFullPrecision) {
  std::ostringstream out;
  export_csv(run_, "sweep", out);
  const auto lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 9u);
  EXPECT_EQ(lines[0], "combo,symbol,fast,slow,ret,sharpe");
  EXPECT_EQ(lines[2], "1,AAPL,10,20,0.02,0.10000000000000001");
  EXPECT_EQ(lines[8], "3,MSFT,10,40,0.040000000000000001,nan");
}

TEST_F(Analysis, ExportCsvCarriesTextColumns) {
  const auto path = dir_ / "errors.h5";
  auto file = RunFile::create(path);
  file->create_table("/errors", {{"task", ColumnType::kInt64}}).append(std::vector<double>{4});
  file->write_strings("/errors/message", {"bad, \"quoted\""});
  file->commit();
  std::ostringstream out;
  export_csv(path, "/errors", out);
  EXPECT_EQ(out.str(), "task,message\n4,\"bad, \"\"quoted\"\"\"\n");
}

TEST_F(Analysis, StoreInfoListsSymbols) {
  SymbolBars bars{"SPY", {20240102, 20240103}, {1, 1}, {2, 2}, {1, 1}, {1.5, 1.5}, {0, 0}};
  write_store(dir_ / "store.h5", {{bars}});
  std::ostringstream out;
  print_store_info(dir_ / "store.h5", out);
  const auto lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(lines[0].find("1 symbols, 2 bars"), std::string::npos) << lines[0];
  EXPECT_EQ(words_of(lines[2]), (std::vector<std::string>{"SPY", "2024-01-02", "2024-01-03", "2"}));
}

}  // namespace
}  // namespace qg::results
