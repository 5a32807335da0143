// Spec parsing: a valid spec read back field by field, then one test per error class, each
// checking the "ORIGIN:LINE: KEY.PATH: what" location of its message.
#include <gtest/gtest.h>
#include <yaml-cpp/parser.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "qg/core/error.hpp"
#include "qg/jobs/job.hpp"
#include "src/expansion_counter.hpp"
#include "sweep/sweep_spec.hpp"
#include "walkforward/walkforward_spec.hpp"

namespace qg::jobs {
namespace {

// Line numbers matter: the error tests below edit single lines of this text.
constexpr const char* kSpec =
    "job: sweep\n"                                                                      // 1
    "name: sma-crossover\n"                                                             // 2
    "data: {file: data/market.h5, symbols: all, start: 1992-01-01, end: 1998-12-31}\n"  // 3
    "strategy:\n"                                                                       // 4
    "  kind: sma_crossover\n"                                                           // 5
    "  mode: long_flat\n"                                                               // 6
    "  params:\n"                                                                       // 7
    "    fast: {from: 2, to: 100, step: 1}\n"                                           // 8
    "    slow: {from: 10, to: 300, step: 1}\n"                                          // 9
    "  where: [fast < slow]\n"                                                          // 10
    "search: {method: grid}\n"                                                          // 11
    "costs: {commission_bps: 1.0, slippage_bps: 4.0}\n"                                 // 12
    "rank_by: sharpe\n"                                                                 // 13
    "output: results/sma-crossover.h5\n"                                                // 14
    "seed: 7\n";                                                                        // 15

// kSpec with line `line` (1-based) replaced by `text` (empty: line removed); line 16 appends.
std::string edit(int line, const std::string& text) {
  std::istringstream in(kSpec);
  std::string out, cur;
  int n = 0;
  while (std::getline(in, cur))
    if (++n != line)
      out += cur + "\n";
    else if (!text.empty())
      out += text + "\n";
  if (line > n) out += text + "\n";
  return out;
}

// The ConfigError message of parsing `text`, or "" when it parses.
std::string error_of(const std::string& text) {
  try {
    parse_sweep_spec(text, "spec.yaml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

// The message starts with the location "spec.yaml:LINE: PATH: " and contains `what`.
void expect_error(const std::string& text, int line, const std::string& path, const std::string& what) {
  const std::string msg = error_of(text);
  const std::string where = "spec.yaml:" + std::to_string(line) + ": " + path + ": ";
  EXPECT_EQ(msg.substr(0, where.size()), where) << msg;
  EXPECT_NE(msg.find(what), std::string::npos) << msg;
}

TEST(SweepSpec, ValidSpecRoundTrip) {
  const SweepSpec s = parse_sweep_spec(kSpec, "spec.yaml");
  EXPECT_EQ(s.header.kind, "sweep");
  EXPECT_EQ(s.header.name, "sma-crossover");
  EXPECT_EQ(s.header.data_file, "data/market.h5");
  EXPECT_TRUE(s.header.data.symbols.empty());  // all
  EXPECT_EQ(s.header.data.start, 19920101);
  EXPECT_EQ(s.header.data.end, 19981231);
  EXPECT_EQ(s.header.output, "results/sma-crossover.h5");
  EXPECT_EQ(s.header.seed, 7u);
  EXPECT_EQ(s.search.strategy->kind(), "sma_crossover");
  EXPECT_EQ(s.search.mode, kernels::PositionMode::kLongFlat);
  ASSERT_EQ(s.search.axes.size(), 2u);
  EXPECT_EQ(s.search.axes[0].name, "fast");
  EXPECT_EQ(s.search.axes[0].values.size(), 99u);   // 2..100
  EXPECT_EQ(s.search.axes[1].values.size(), 291u);  // 10..300
  ASSERT_EQ(s.search.where.size(), 1u);
  EXPECT_EQ(s.search.where[0].text, "fast < slow");
  EXPECT_EQ(s.search.sampling.method, SearchMethod::kGrid);
  EXPECT_DOUBLE_EQ(s.search.cost_per_unit(), 5.0 / 1e4);
  EXPECT_EQ(s.rank_by, "sharpe");
}

TEST(SweepSpec, DefaultsWhenOptionalKeysAreAbsent) {
  const SweepSpec s = parse_sweep_spec(
      "job: sweep\nname: m\ndata: {file: d.h5, symbols: [AAA, BBB]}\n"
      "strategy: {kind: momentum, params: {lookback: 20}}\n",
      "spec.yaml");
  EXPECT_EQ(s.header.output, "results/m.h5");
  EXPECT_EQ(s.header.seed, 0u);
  EXPECT_EQ(s.header.data.symbols, (std::vector<std::string>{"AAA", "BBB"}));
  EXPECT_EQ(s.header.data.start, 0);
  EXPECT_EQ(s.header.data.end, 0);
  EXPECT_EQ(s.search.mode, kernels::PositionMode::kLongFlat);
  EXPECT_EQ(s.search.sampling.method, SearchMethod::kGrid);
  EXPECT_EQ(s.search.cost_per_unit(), 0.0);
  EXPECT_EQ(s.rank_by, "sharpe");
  EXPECT_EQ(s.search.combos.size(), 1u);  // a fixed parameter is one set
}

TEST(SweepSpec, ParseHeaderReadsTheCommonFields) {
  const SpecHeader h = parse_header(kSpec, "spec.yaml");
  EXPECT_EQ(h.kind, "sweep");
  EXPECT_EQ(h.name, "sma-crossover");
  EXPECT_EQ(h.output, "results/sma-crossover.h5");
  EXPECT_EQ(h.seed, 7u);
}

TEST(SweepSpec, MissingKeyIsReportedAtItsParentMap) {
  // A flow map's mark is its opening brace, on line 8.
  expect_error(edit(8, "    fast: {from: 2, to: 100}"), 8, "strategy.params.fast.step", "missing");
  // A block map's mark is its first key: the params map starts on line 8.
  expect_error(edit(9, ""), 8, "strategy.params.slow", "missing");
  expect_error(edit(2, ""), 1, "name", "missing");
}

TEST(SweepSpec, UnknownKeyIsNamed) {
  expect_error(edit(11, "search: {method: grid, sample: 5}"), 11, "search.sample", "unknown key");
  expect_error(edit(16, "costs_bps: 3"), 16, "costs_bps", "unknown key");
  expect_error(edit(8, "    fsat: {from: 2, to: 100, step: 1}"), 8, "strategy.params.fsat",
               "unknown parameter of sma_crossover (known: fast, slow)");
}

TEST(SweepSpec, DuplicateKeyIsAnError) {
  expect_error(edit(16, "seed: 8"), 16, "seed", "duplicate key (first given at line 15)");
  expect_error(edit(8, "    fast: {from: 2, to: 100, step: 1, step: 2}"), 8, "strategy.params.fast.step",
               "duplicate key");
}

// An alias bomb: nine levels, each a list of nine aliases of the level below (9^9 nodes once
// expanded) in a few hundred bytes, appended at lines 16-25 of kSpec. Expanded sizes, by hand:
// level 0 is a list of 9 scalars (10 nodes), level k is 1 + 9 x level k-1: 10, 91, 820, 7381,
// 66430, ... so the first alias of level 5 (line 21) is the one that crosses 100,000.
std::string alias_bomb() {
  std::string text = kSpec;
  text += "a0: &a0 [x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level < 10; ++level) {
    const std::string prev = "*a" + std::to_string(level - 1);
    text += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int i = 0; i < 9; ++i) text += (i ? ", " : "") + prev;
    text += "]\n";
  }
  return text;
}

TEST(SweepSpec, AnAliasBombFailsFastAtTheAliasThatCrossesTheLimit) {
  const auto start = std::chrono::steady_clock::now();
  const std::string msg = error_of(alias_bomb());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(msg.rfind("spec.yaml:21: ", 0), 0u) << msg;
  EXPECT_NE(msg.find("aliases expand the spec beyond 100000 nodes"), std::string::npos) << msg;
  EXPECT_LT(seconds, 2.0);  // it used to walk 9^9 nodes for minutes
}

TEST(SweepSpec, TheExpansionCounterCountsAnAliasAsTheWholeAnchoredNode) {
  // By hand: map 1, key a 1, list 1 + 2 items, key b 1, alias of the 3-node list 3, key d 1,
  // scalar 1, key e 1, alias of the scalar 1: 13.
  std::istringstream in("a: &x [1, 2]\nb: *x\nd: &y 5\ne: *y\n");
  YAML::Parser parser(in);
  detail::ExpansionCounter counter("t.yaml", 1000);
  while (parser.HandleNextDocument(counter)) {}
  EXPECT_EQ(counter.nodes(), 13u);
  EXPECT_THROW(detail::ExpansionCounter::check("a: &x [1, 2]\nb: [*x, *x, *x]\n", "t.yaml", 10), ConfigError);
  EXPECT_NO_THROW(
      detail::ExpansionCounter::check("a: &x [1, 2]\nb: [*x, *x, *x]\n", "t.yaml", 16));  // exactly 16 nodes
}

TEST(SweepSpec, ASpecOverOneMebibyteIsRefusedByItsSize) {
  std::string text = kSpec;
  text += "# " + std::string((std::size_t{1} << 20) - text.size() - 3, 'x') + "\n";
  ASSERT_EQ(text.size(), std::size_t{1} << 20);
  EXPECT_EQ(error_of(text), "");  // exactly the limit is fine
  text += "\n";
  EXPECT_EQ(error_of(text), "spec.yaml: spec: is 1048577 bytes; a spec may have at most 1048576");
}

TEST(SweepSpec, BadTypeIsAnError) {
  expect_error(edit(15, "seed: seven"), 15, "seed", "must be an integer");
  expect_error(edit(15, "seed: -1"), 15, "seed", "non-negative");
  expect_error(edit(12, "costs: {commission_bps: abc}"), 12, "costs.commission_bps", "must be a number");
  expect_error(edit(3, "data: data/market.h5"), 3, "data", "must be a map");
}

// Ruin (docs/strategies.md): costs of 100% per unit traded or more would ruin a book by
// themselves, so commission + slippage must stay below 10,000 bps; 9,999.5 is still allowed.
TEST(SweepSpec, CostsOfAHundredPercentOrMoreAreAnError) {
  expect_error(edit(12, "costs: {commission_bps: 6000, slippage_bps: 4000}"), 12, "costs",
               "commission_bps + slippage_bps must be below 10000");
  expect_error(edit(12, "costs: {commission_bps: 20000}"), 12, "costs", "got 20000");
  expect_error(edit(12, "costs: {slippage_bps: .inf}"), 12, "costs.slippage_bps", "must be a number");
  EXPECT_EQ(error_of(edit(12, "costs: {commission_bps: 5000, slippage_bps: 4999.5}")), "");
}

TEST(SweepSpec, BadDateIsAnError) {
  expect_error(edit(3, "data: {file: d.h5, start: 1992-02-30}"), 3, "data.start", "not a calendar date");
  expect_error(edit(3, "data: {file: d.h5, end: 1992/01/31}"), 3, "data.end", "YYYY-MM-DD");
}

TEST(SweepSpec, StartAfterEndIsAnError) {
  expect_error(edit(3, "data: {file: d.h5, start: 1999-01-01, end: 1998-12-31}"), 3, "data.start",
               "must not be after data.end");
}

TEST(SweepSpec, BadStepIsAnError) {
  expect_error(edit(8, "    fast: {from: 2, to: 100, step: 0}"), 8, "strategy.params.fast.step", "must be > 0");
  expect_error(edit(8, "    fast: {from: 20, to: 10, step: 1}"), 8, "strategy.params.fast.to", "must be >= from");
}

TEST(SweepSpec, NonIntegerForIntegerParamIsAnError) {
  expect_error(edit(8, "    fast: {from: 2.5, to: 100, step: 1}"), 8, "strategy.params.fast.from",
               "must be an integer");
  expect_error(edit(8, "    fast: {from: 2, to: 100, step: 0.5}"), 8, "strategy.params.fast.step",
               "must be an integer");
  expect_error(edit(8, "    fast: {values: [2, 3.5]}"), 8, "strategy.params.fast.values[1]", "must be an integer");
  expect_error(edit(8, "    fast: 7.25"), 8, "strategy.params.fast", "must be an integer");
}

TEST(SweepSpec, OutOfRangeValueIsAnError) {
  expect_error(edit(8, "    fast: {from: -3, to: 100, step: 1}"), 8, "strategy.params.fast.from",
               "outside the range of fast");
  expect_error(edit(8, "    fast: {values: [5, 1000000]}"), 8, "strategy.params.fast.values[1]", "outside the range");
}

TEST(SweepSpec, UnknownStrategyIsAnError) {
  expect_error(edit(5, "  kind: sma_crossoverr"), 5, "strategy.kind", "unknown strategy 'sma_crossoverr' (known: ");
}

TEST(SweepSpec, UnknownMetricIsAnError) {
  expect_error(edit(13, "rank_by: sharp"), 13, "rank_by", "unknown metric 'sharp' (known: total_return, cagr, sharpe");
}

TEST(SweepSpec, BadWhereExpressionIsAnError) {
  expect_error(edit(10, "  where: [fast << slow]"), 10, "strategy.where[0]", "bad constraint 'fast << slow'");
  expect_error(edit(10, "  where: [fast < slow, fast slow]"), 10, "strategy.where[1]", "expected a comparison");
  expect_error(edit(10, "  where: [fast / 0 < slow]"), 10, "strategy.where[0]", "division by zero");
}

TEST(SweepSpec, UnknownParamInWhereIsAnError) {
  expect_error(edit(10, "  where: [fast < slwo]"), 10, "strategy.where[0]",
               "unknown parameter 'slwo' (parameters: fast, slow)");
}

TEST(SweepSpec, SyntaxErrorKeepsTheParserLine) {
  // yaml-cpp reports this at line 5 (0-based 4); the message gives it 1-based.
  const std::string msg = error_of(edit(5, "  kind: sma_crossover: x"));
  EXPECT_EQ(msg, "spec.yaml:5: syntax error: illegal map value");
}

TEST(SweepSpec, UnknownJobKindAndBadNameAreErrors) {
  expect_error(edit(1, "job: sweeep"), 1, "job", "unknown job kind 'sweeep' (known: sweep, var, walkforward, train)");
  expect_error(edit(2, "name: my run"), 2, "name", "may only contain");
}

TEST(SweepSpec, NoParameterSetLeftIsAnError) {
  // Reported at the params key (line 7).
  expect_error(edit(10, "  where: [fast > slow, fast < slow]"), 7, "strategy.params", "no parameter set left");
}

TEST(SweepSpec, SearchOptionsMustFitTheMethod) {
  expect_error(edit(11, "search: {method: grid, samples: 10}"), 11, "search.samples",
               "only applies to random and sobol");
  expect_error(edit(11, "search: {method: sobol, samples: 10, seed: 3}"), 11, "search.seed", "only applies to random");
  expect_error(edit(11, "search: {method: random}"), 11, "search.samples", "missing");
  expect_error(edit(11, "search: {method: anneal}"), 11, "search.method", "must be grid, random or sobol");
}

TEST(SweepSpec, RandomSeedDefaultsToTheSpecSeed) {
  const SweepSpec s = parse_sweep_spec(edit(11, "search: {method: random, samples: 50}"), "spec.yaml");
  EXPECT_EQ(s.search.sampling.seed, 7u);
  const SweepSpec t = parse_sweep_spec(edit(11, "search: {method: random, samples: 50, seed: 11}"), "spec.yaml");
  EXPECT_EQ(t.search.sampling.seed, 11u);
}

TEST(SweepSpec, StrategyInvalidSetsAreSkippedAndCounted) {
  // lower in {40, 50, 60} x upper in {50, 60, 70}: lower >= upper for (50,50), (60,50), (60,60).
  const SweepSpec s = parse_sweep_spec(
      "job: sweep\nname: r\ndata: {file: d.h5}\n"
      "strategy:\n  kind: rsi\n  params:\n    period: 14\n"
      "    lower: {from: 40, to: 60, step: 10}\n    upper: {from: 50, to: 70, step: 10}\n",
      "spec.yaml");
  EXPECT_EQ(s.search.combos.skipped_invalid, 3u);
  EXPECT_EQ(s.search.combos.size(), 6u);
}

TEST(SweepSpec, EveryExampleParses) {
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(QG_JOBS_EXAMPLES_DIR)) {
    if (entry.path().extension() != ".yaml") continue;
    std::ifstream in(entry.path());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Every example names a known kind; sweeps parse fully here (other kinds need their data).
    const auto header = parse_header(text, entry.path().string());
    if (header.kind == "sweep") {
      EXPECT_NO_THROW(parse_sweep_spec(text, entry.path().string())) << entry.path();
    }
    if (header.kind == "walkforward") {
      EXPECT_NO_THROW(parse_walkforward_spec(text, entry.path().string())) << entry.path();
    }
    ++n;
  }
  EXPECT_GE(n, 6);
}

}  // namespace
}  // namespace qg::jobs
