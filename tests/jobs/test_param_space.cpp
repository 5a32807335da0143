// Parameter spaces: axis value lists, `where` constraints and the grid / random / sobol
// searches. Expected counts and values are worked out by hand in the comments.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "qg/core/error.hpp"
#include "search/param_space.hpp"
#include "sweep/sweep_spec.hpp"

namespace qg::jobs {
namespace {

std::string sma_spec(const std::string& fast, const std::string& slow, const std::string& where,
                     const std::string& search) {
  return "job: sweep\nname: t\ndata: {file: d.h5}\nseed: 7\n"
         "strategy:\n  kind: sma_crossover\n  params:\n    fast: " +
         fast + "\n    slow: " + slow + "\n" + (where.empty() ? "" : "  where: " + where + "\n") + "search: " + search +
         "\n";
}

TEST(ParamSpace, GridCountForSmaCrossoverMatchesClosedForm) {
  // fast in 2..100, slow in 10..300, fast < slow. For fast = 2..9 every one of the 291 slow
  // values qualifies: 8 * 291 = 2328. For fast = 10..100, slow in fast+1..300 gives 300 - fast:
  // sum_{f=10}^{100} (300 - f) = 91 * 300 - (5050 - 45) = 22295. Total 2328 + 22295 = 24623.
  const SweepSpec s = parse_sweep_spec(
      sma_spec("{from: 2, to: 100, step: 1}", "{from: 10, to: 300, step: 1}", "[fast < slow]", "{method: grid}"),
      "t.yaml");
  EXPECT_EQ(s.search.combos.size(), 24623u);
  EXPECT_EQ(s.search.combos.candidates, 99u * 291u);
  EXPECT_EQ(s.search.combos.rejected_where, 99u * 291u - 24623u);
  // Lexicographic, first parameter slowest.
  EXPECT_EQ(s.search.combos.set(0)[0], 2);
  EXPECT_EQ(s.search.combos.set(0)[1], 10);
  EXPECT_EQ(s.search.combos.set(1)[1], 11);
  EXPECT_EQ(s.search.combos.set(290)[1], 300);
  EXPECT_EQ(s.search.combos.set(291)[0], 3);
  EXPECT_EQ(s.search.combos.set(s.search.combos.size() - 1)[0], 100);
  EXPECT_EQ(s.search.combos.set(s.search.combos.size() - 1)[1], 300);
}

TEST(ParamSpace, StepIncludesToOnlyWhenOnTheGrid) {
  EXPECT_EQ(step_values(1, 2, 0.3), (std::vector<double>{1, 1.3, 1.6, 1.9}));
  // 0.1 + 2 * 0.1 is 0.30000000000000004 in binary: within 1e-9, so `to` is emitted exactly.
  const auto v = step_values(0.1, 0.3, 0.1);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v.back(), 0.3);
  EXPECT_EQ(step_values(2, 10, 4), (std::vector<double>{2, 6, 10}));
  EXPECT_EQ(step_values(5, 5, 1), (std::vector<double>{5}));
}

TEST(ParamSpace, CountLinearAndLog) {
  EXPECT_EQ(count_values(0, 1, 5, false, false), (std::vector<double>{0, 0.25, 0.5, 0.75, 1}));
  const auto g = count_values(1, 1000, 4, true, false);  // 10^0, 10^1, 10^2, 10^3
  ASSERT_EQ(g.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(g[static_cast<std::size_t>(i)], std::pow(10.0, i), 1e-12 * std::pow(10.0, i));
  EXPECT_EQ(count_values(3, 9, 1, false, false), (std::vector<double>{3}));
}

TEST(ParamSpace, IntegerLogCountRoundsAndDropsRepeats) {
  // 10^(i/9), i = 0..9: 1, 1.29, 1.67, 2.15, 2.78, 3.59, 4.64, 5.99, 7.74, 10
  // rounded: 1 1 2 2 3 4 5 6 8 10 -> 8 distinct values.
  EXPECT_EQ(count_values(1, 10, 10, true, true), (std::vector<double>{1, 2, 3, 4, 5, 6, 8, 10}));
  const SweepSpec s =
      parse_sweep_spec(sma_spec("{from: 1, to: 10, count: 10, log: true}", "50", "", "{method: grid}"), "t.yaml");
  EXPECT_EQ(s.search.axes[0].values, (std::vector<double>{1, 2, 3, 4, 5, 6, 8, 10}));
}

TEST(ParamSpace, ValueListsKeepTheirOrder) {
  const SweepSpec s = parse_sweep_spec(sma_spec("{values: [20, 5, 10]}", "[60, 30]", "", "{method: grid}"), "t.yaml");
  EXPECT_EQ(s.search.axes[0].values, (std::vector<double>{20, 5, 10}));
  EXPECT_EQ(s.search.axes[1].values, (std::vector<double>{60, 30}));
  ASSERT_EQ(s.search.combos.size(), 6u);
  EXPECT_EQ(s.search.combos.set(1)[0], 20);
  EXPECT_EQ(s.search.combos.set(1)[1], 30);
  EXPECT_EQ(s.search.combos.set(2)[0], 5);
}

TEST(ParamSpace, ConstraintArithmetic) {
  const std::vector<std::string> names = {"fast", "slow"};
  std::string error;
  const auto twice = parse_constraint("fast * 2 <= slow", names, error);
  ASSERT_TRUE(twice) << error;
  EXPECT_TRUE(twice->holds(std::vector<double>{5, 10}));
  EXPECT_FALSE(twice->holds(std::vector<double>{6, 10}));
  const auto gap = parse_constraint("fast + 5 < slow", names, error);
  ASSERT_TRUE(gap) << error;
  EXPECT_TRUE(gap->holds(std::vector<double>{4, 10}));
  EXPECT_FALSE(gap->holds(std::vector<double>{5, 10}));
  const auto neq = parse_constraint("slow-fast!=3", names, error);
  ASSERT_TRUE(neq) << error;
  EXPECT_FALSE(neq->holds(std::vector<double>{7, 10}));
  const auto number_left = parse_constraint("20 >= fast", names, error);
  ASSERT_TRUE(number_left) << error;
  EXPECT_TRUE(number_left->holds(std::vector<double>{20, 1}));
  EXPECT_FALSE(parse_constraint("3 < 4", names, error));
  EXPECT_FALSE(parse_constraint("fast < slow extra", names, error));
}

TEST(ParamSpace, RandomIsDeterministicAndOnTheValueLists) {
  const std::string text = sma_spec("{from: 2, to: 60, step: 2}", "{values: [30, 45, 90, 120, 250]}", "[fast < slow]",
                                    "{method: random, samples: 40, seed: 99}");
  const SweepSpec a = parse_sweep_spec(text, "t.yaml");
  const SweepSpec b = parse_sweep_spec(text, "t.yaml");
  EXPECT_EQ(a.search.combos.values, b.search.combos.values);
  ASSERT_GT(a.search.combos.size(), 0u);
  EXPECT_LE(a.search.combos.size(), 40u);
  EXPECT_EQ(a.search.combos.size() + a.search.combos.duplicates, 40u);  // 40 accepted draws
  std::set<std::pair<double, double>> seen;
  for (std::size_t i = 0; i < a.search.combos.size(); ++i) {
    const auto set = a.search.combos.set(i);
    EXPECT_EQ(std::fmod(set[0], 2.0), 0.0);
    EXPECT_GE(set[0], 2);
    EXPECT_LE(set[0], 60);
    const auto& slow = a.search.axes[1].values;
    EXPECT_NE(std::find(slow.begin(), slow.end(), set[1]), slow.end());
    EXPECT_LT(set[0], set[1]);
    EXPECT_TRUE(seen.insert({set[0], set[1]}).second) << "duplicate kept";
  }
  const SweepSpec c = parse_sweep_spec(sma_spec("{from: 2, to: 60, step: 2}", "{values: [30, 45, 90, 120, 250]}",
                                                "[fast < slow]", "{method: random, samples: 40, seed: 100}"),
                                       "t.yaml");
  EXPECT_NE(a.search.combos.values, c.search.combos.values);
}

TEST(ParamSpace, RandomBelowOnePercentAcceptanceIsAnError) {
  // fast == 500 holds for 1 of 999 values: about 0.1% of draws.
  const std::string text =
      sma_spec("{from: 2, to: 1000, step: 1}", "2000", "[fast == 500]", "{method: random, samples: 20}");
  try {
    parse_sweep_spec(text, "t.yaml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("t.yaml:11: search: "), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("under 1%"), std::string::npos) << e.what();
  }
}

TEST(ParamSpace, SobolMapsPointsOntoValueLists) {
  // Points 1..4 of the 2-D Sobol sequence are (0.5, 0.5), (0.75, 0.25), (0.25, 0.75),
  // (0.375, 0.375); floor(u * 4) picks indices (2,2), (3,1), (1,3), (1,1).
  const SweepSpec s = parse_sweep_spec(
      sma_spec("{values: [1, 2, 3, 4]}", "{values: [10, 20, 30, 40]}", "", "{method: sobol, samples: 4}"), "t.yaml");
  EXPECT_EQ(s.search.combos.values, (std::vector<double>{3, 30, 4, 20, 2, 40, 2, 20}));
}

TEST(ParamSpace, SobolDropsDuplicatesAndFixedParamsTakeNoDimension) {
  // With one varying axis of 2 values, points 1..4 of dimension 1 are 0.5, 0.75, 0.25, 0.375:
  // indices 1, 1, 0, 0, so two distinct sets survive.
  const SweepSpec s =
      parse_sweep_spec(sma_spec("7", "{values: [10, 20]}", "", "{method: sobol, samples: 4}"), "t.yaml");
  EXPECT_EQ(s.search.combos.values, (std::vector<double>{7, 20, 7, 10}));
  EXPECT_EQ(s.search.combos.duplicates, 2u);
}

}  // namespace
}  // namespace qg::jobs
