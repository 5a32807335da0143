// RowFilter (--where): every expression is checked against the same condition written as a C++
// lambda over a grid of values, including NaN; errors name the token and its position.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "qg/core/error.hpp"
#include "qg/results/row_filter.hpp"

namespace qg::results {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

//! Checks parse(text) against `want` for every (a, b, c) of a grid; columns a, b, c by name.
void expect_same(const std::string& text, const std::function<bool(double, double, double)>& want) {
  const RowFilter f = RowFilter::parse(text);
  const std::vector<double> grid = {-1.0, 0.0, 0.3, 1.0, 20.0, 25.0, kNaN};
  for (double a : grid)
    for (double b : grid)
      for (double c : grid) {
        std::vector<double> values;
        for (const auto& name : f.columns()) values.push_back(name == "a" ? a : name == "b" ? b : c);
        EXPECT_EQ(f.matches(values), want(a, b, c)) << text << " at a=" << a << " b=" << b << " c=" << c;
      }
}

std::string error_of(const std::string& text) {
  try {
    RowFilter::parse(text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(RowFilter, ComparisonsAndNaN) {
  expect_same("a >= 20", [](double a, double, double) { return a >= 20; });
  expect_same("a < 0.3", [](double a, double, double) { return a < 0.3; });
  expect_same("a<=b", [](double a, double b, double) { return a <= b; });
  expect_same("a > -1", [](double a, double, double) { return a > -1; });
  expect_same("a == 1", [](double a, double, double) { return a == 1; });
  expect_same("a = 1", [](double a, double, double) { return a == 1; });
  expect_same("a != 1", [](double a, double, double) { return a != 1; });  // NaN != 1 is true
  expect_same("1e1 < a", [](double a, double, double) { return 10 < a; });
}

TEST(RowFilter, AndBindsTighterThanOrAndParenthesesGroup) {
  expect_same("a >= 20 and b < 0.3", [](double a, double b, double) { return a >= 20 && b < 0.3; });
  expect_same("a < 0 or b < 0 and c > 1", [](double a, double b, double c) { return a < 0 || (b < 0 && c > 1); });
  expect_same("(a < 0 or b < 0) and c > 1", [](double a, double b, double c) { return (a < 0 || b < 0) && c > 1; });
  expect_same("((a == 1)) or (b == 1 and (c == 1 or a == 0))",
              [](double a, double b, double c) { return a == 1 || (b == 1 && (c == 1 || a == 0)); });
}

TEST(RowFilter, ColumnsAreListedOnceInOrderOfUse) {
  const RowFilter f = RowFilter::parse("trades >= 20 and max_drawdown < 0.3 or trades > 100");
  EXPECT_EQ(f.columns(), (std::vector<std::string>{"trades", "max_drawdown"}));
  EXPECT_TRUE(f.matches(std::vector<double>{20, 0.2}));
  EXPECT_FALSE(f.matches(std::vector<double>{19, 0.2}));
  EXPECT_TRUE(f.matches(std::vector<double>{101, 0.9}));
}

TEST(RowFilter, ErrorsNameTheBadToken) {
  EXPECT_EQ(error_of("trades 20"),
            "--where: expected a comparison (< <= > >= == !=) but found '20' at character 8 of \"trades 20\"");
  EXPECT_EQ(error_of("trades >> 3"),
            "--where: expected a column or number but found '>' at character 9 of \"trades >> 3\"");
  EXPECT_EQ(error_of("trades >= "), "--where: missing a column or number at the end of \"trades >= \"");
  EXPECT_EQ(error_of("(a < 1"), "--where: missing ')' at the end of \"(a < 1\"");
  EXPECT_EQ(error_of("a < 1 b"), "--where: unexpected 'b' at character 7 of \"a < 1 b\"");
  EXPECT_EQ(error_of("a < 1 and"), "--where: missing a column or number at the end of \"a < 1 and\"");
  EXPECT_EQ(error_of("a < 1 & b > 2"), "--where: unexpected '&' at character 7 of \"a < 1 & b > 2\"");
  EXPECT_EQ(error_of(""), "--where: missing a column or number at the end of \"\"");
  EXPECT_EQ(error_of("a < 1.5.2"), "--where: unexpected '.2' at character 8 of \"a < 1.5.2\"");
}

}  // namespace
}  // namespace qg::results
