// results top with --where and --group-by params on the sweep fixture (values worked out by
// hand from its definition in sweep_fixture.hpp), and the streaming top-k on a table of
// several blocks against a plain full sort.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "qg/core/error.hpp"
#include "qg/results/analysis.hpp"
#include "qg/results/run_file.hpp"
#include "sweep_fixture.hpp"
#include "temp_dir.hpp"

namespace qg::results {
namespace {

using testing::TempDir;

std::vector<std::vector<std::string>> rows_of(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    rows.emplace_back();
    for (std::string w; words >> w;) rows.back().push_back(w);
  }
  return rows;
}

class TopRows : public ::testing::Test {
 protected:
  void SetUp() override { testing::write_sweep_fixture(run_); }
  std::string top(TopQuery q) {
    std::ostringstream out;
    print_top(*RunReader::open(run_), run_, "/sweep", q, out);
    return out.str();
  }
  TempDir dir_;
  std::filesystem::path run_ = dir_ / "sweep.h5";
};

TEST_F(TopRows, WhereKeepsOnlyPassingRows) {
  // fast == 5: combos 0 and 2; sharpe = 0.1 c + 0.5 s > 0.1 leaves AAPL c2 (0.2), MSFT c0 (0.5), MSFT c2 (0.7).
  const auto rows = rows_of(top({"sharpe", 0, false, "fast == 5 and sharpe > 0.1", {}, "median"}));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"1", "2", "MSFT", "5", "40", "0.03", "0.7"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"2", "0", "MSFT", "5", "20", "0.01", "0.5"}));
  EXPECT_EQ(rows[3], (std::vector<std::string>{"3", "2", "AAPL", "5", "40", "0.03", "0.2"}));
}

TEST_F(TopRows, WhereWithOrAndParentheses) {
  // (slow > 20 or fast == 5) and symbol == 0: AAPL combos 0, 2, 3; by ret ascending: 0.01, 0.03, 0.04.
  const auto rows = rows_of(top({"ret", 0, true, "(slow > 20 or fast == 5) and symbol == 0", {}, "median"}));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1][1], "0");
  EXPECT_EQ(rows[2][1], "2");
  EXPECT_EQ(rows[3][1], "3");
}

TEST_F(TopRows, GroupByParamsMedianOverSymbols) {
  // sharpe per combo over (AAPL, MSFT): c0 (0, 0.5), c1 (0.1, 0.6), c2 (0.2, 0.7), c3 (0.3, NaN):
  // medians 0.25, 0.35, 0.45 and 0.3 (the NaN left out).
  const auto rows = rows_of(top({"sharpe", 0, false, {}, "params", "median"}));
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0][0], "median");
  EXPECT_EQ(rows[1], (std::vector<std::string>{"rank", "combo", "fast", "slow", "symbols", "ret", "sharpe"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"1", "2", "5", "40", "2", "0.03", "0.45"}));
  EXPECT_EQ(rows[3], (std::vector<std::string>{"2", "1", "10", "20", "2", "0.02", "0.35"}));
  EXPECT_EQ(rows[4], (std::vector<std::string>{"3", "3", "10", "40", "2", "0.04", "0.3"}));
  EXPECT_EQ(rows[5], (std::vector<std::string>{"4", "0", "5", "20", "2", "0.01", "0.25"}));
}

TEST_F(TopRows, GroupByParamsMinAndMeanThenWhereOnTheAggregates) {
  // min: c0 0, c1 0.1, c2 0.2, c3 0.3 -> c3 first.
  EXPECT_EQ(rows_of(top({"sharpe", 1, false, {}, "params", "min"}))[2][1], "3");
  // mean of two values is the median; where on the means: sharpe > 0.32 keeps c1 (0.35) and c2 (0.45)
  // (c3 has one value, 0.1 * 3, which is 0.30000000000000004 in doubles).
  const auto rows = rows_of(top({"sharpe", 0, false, "sharpe > 0.32", "params", "mean"}));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[2][1], "2");
  EXPECT_EQ(rows[3][1], "1");
}

TEST_F(TopRows, BadQueriesAreErrors) {
  EXPECT_THROW(top({"sharpe", 0, false, "sharpe >", {}, "median"}), ConfigError);
  EXPECT_THROW(top({"sharpe", 0, false, "no_such > 1", {}, "median"}), DataError);
  EXPECT_THROW(top({"sharpe", 0, false, {}, "symbol", "median"}), ConfigError);
  EXPECT_THROW(top({"sharpe", 0, false, {}, "params", "max"}), ConfigError);
}

//! A table of 150000 rows (three blocks): key = a hash of the row with many ties and some NaN.
TEST(TopRowsStreaming, TopKOfManyBlocksEqualsAFullStableSort) {
  TempDir dir;
  const auto path = dir / "big.h5";
  const std::size_t n = 150000;
  std::vector<double> key(n);
  for (std::size_t i = 0; i < n; ++i) key[i] = i % 97 == 0 ? std::nan("") : static_cast<double>((i * 7919) % 1000);
  {
    auto file = RunFile::create(path);
    TableWriter& t = file->create_table("/t", {{"id", ColumnType::kInt64}, {"metrics/key", ColumnType::kFloat64}});
    std::vector<double> rows;  // row-major: id, key
    for (std::size_t i = 0; i < n; ++i) rows.insert(rows.end(), {static_cast<double>(i), key[i]});
    t.append(rows);
    file->commit();
  }
  for (bool ascending : {false, true}) {
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      if (std::isnan(key[a]) || std::isnan(key[b])) return !std::isnan(key[a]) && std::isnan(key[b]);
      return ascending ? key[a] < key[b] : key[a] > key[b];
    });
    std::ostringstream out;
    print_top(*RunReader::open(path), path, "/t", TopQuery{"key", 7, ascending, "id != 5", {}, "median"}, out);
    std::erase(order, std::size_t{5});
    const auto rows = rows_of(out.str());
    ASSERT_EQ(rows.size(), 8u);
    for (std::size_t r = 0; r < 7; ++r) EXPECT_EQ(rows[r + 1][1], std::to_string(order[r])) << "rank " << r + 1;
  }
}

}  // namespace
}  // namespace qg::results
