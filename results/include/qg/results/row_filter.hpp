#pragma once
// `--where` expressions over the numeric columns of a table (`results top`, `approve`):
//   trades >= 20 and max_drawdown < 0.3
//   (sharpe > 1 or sortino > 1.5) and fast != 5
// A comparison is two operands (a column name or a number) and one of < <= > >= == != (= is
// ==); comparisons join with `and` and `or` (`and` binds tighter) and group with parentheses.
// A comparison with NaN is false, except != which is true.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace qg::results {

class RowFilter {
 public:
  //! Parses `text`. ConfigError "--where: ..." naming the offending token and its 1-based
  //! character position, or saying what is missing at the end.
  static RowFilter parse(const std::string& text);

  //! The column names the expression uses, in order of first use (each once).
  const std::vector<std::string>& columns() const { return columns_; }
  //! Whether a row passes, given its values of columns() in that order.
  bool matches(std::span<const double> values) const;
  //! The expression as given.
  const std::string& text() const { return text_; }

 private:
  friend class RowFilterParser;
  enum class Op { kLess, kLessEqual, kGreater, kGreaterEqual, kEqual, kNotEqual, kAnd, kOr };
  //! A column (index into columns_) or a constant.
  struct Operand {
    int column = -1;
    double value = 0.0;
  };
  //! kAnd/kOr: children `left`, `right` (node indices); comparisons: operands `a`, `b`.
  struct Node {
    Op op = Op::kAnd;
    int left = -1, right = -1;
    Operand a, b;
  };

  bool eval(int node, std::span<const double> values) const;
  static bool compare(Op op, double a, double b);

  std::string text_;
  std::vector<std::string> columns_;
  std::vector<Node> nodes_;
  int root_ = -1;
};

}  // namespace qg::results
