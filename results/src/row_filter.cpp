#include "qg/results/row_filter.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string_view>

#include "qg/core/error.hpp"

namespace qg::results {

//! Recursive descent over the tokens of one expression:
//!   expr := conj ('or' conj)* ; conj := atom ('and' atom)* ; atom := '(' expr ')' | operand OP operand
class RowFilterParser {
 public:
  explicit RowFilterParser(RowFilter& out) : out_(out), text_(out.text_) {}

  void parse() {
    next();
    out_.root_ = disjunction();
    if (!token_.empty()) fail("unexpected '" + token_ + "'");
  }

 private:
  using Op = RowFilter::Op;

  [[noreturn]] void fail(const std::string& what) const {
    const std::string where = token_.empty() ? " at the end" : " at character " + std::to_string(start_ + 1);
    throw ConfigError("--where: " + what + where + " of \"" + text_ + "\"");
  }

  //! Reads the next token into token_ (empty at the end).
  void next() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    start_ = pos_;
    if (pos_ >= text_.size()) {
      token_.clear();
      return;
    }
    const char c = text_[pos_];
    std::size_t end = pos_ + 1;
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      while (end < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '_' ||
                                    text_[end] == '/' || text_[end] == '.'))
        ++end;
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+') {
      char* stop = nullptr;
      std::strtod(text_.c_str() + pos_, &stop);
      end = std::max(end, static_cast<std::size_t>(stop - text_.c_str()));
    } else if ((c == '<' || c == '>' || c == '=' || c == '!') && pos_ + 1 < text_.size() && text_[pos_ + 1] == '=') {
      end = pos_ + 2;
    }
    token_ = text_.substr(pos_, end - pos_);
    pos_ = end;
  }

  int add(RowFilter::Node node) {
    out_.nodes_.push_back(node);
    return static_cast<int>(out_.nodes_.size()) - 1;
  }

  int disjunction() {
    int left = conjunction();
    while (token_ == "or") {
      next();
      left = add({Op::kOr, left, conjunction(), {}, {}});
    }
    return left;
  }

  int conjunction() {
    int left = atom();
    while (token_ == "and") {
      next();
      left = add({Op::kAnd, left, atom(), {}, {}});
    }
    return left;
  }

  int atom() {
    if (token_ == "(") {
      next();
      const int inner = disjunction();
      if (token_ != ")") fail(token_.empty() ? "missing ')'" : "expected ')' but found '" + token_ + "'");
      next();
      return inner;
    }
    RowFilter::Node node;
    node.a = operand();
    node.op = comparison();
    node.b = operand();
    return add(node);
  }

  RowFilter::Operand operand() {
    if (token_.empty()) fail("missing a column or number");
    const char c = token_.front();
    RowFilter::Operand out;
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      if (token_ == "and" || token_ == "or") fail("expected a column or number but found '" + token_ + "'");
      out.column = column_index(token_);
    } else {
      char* stop = nullptr;
      out.value = std::strtod(token_.c_str(), &stop);
      if (stop != token_.c_str() + token_.size() || token_ == "-" || token_ == "+")
        fail("expected a column or number but found '" + token_ + "'");
    }
    next();
    return out;
  }

  Op comparison() {
    static constexpr std::pair<std::string_view, Op> kOps[] = {
        {"<", Op::kLess},   {"<=", Op::kLessEqual}, {">", Op::kGreater},   {">=", Op::kGreaterEqual},
        {"==", Op::kEqual}, {"=", Op::kEqual},      {"!=", Op::kNotEqual},
    };
    for (const auto& [name, op] : kOps) {
      if (token_ == name) {
        next();
        return op;
      }
    }
    fail(token_.empty() ? "missing a comparison (< <= > >= == !=)"
                        : "expected a comparison (< <= > >= == !=) but found '" + token_ + "'");
  }

  int column_index(const std::string& name) {
    for (std::size_t i = 0; i < out_.columns_.size(); ++i)
      if (out_.columns_[i] == name) return static_cast<int>(i);
    out_.columns_.push_back(name);
    return static_cast<int>(out_.columns_.size()) - 1;
  }

  RowFilter& out_;
  const std::string& text_;
  std::size_t pos_ = 0, start_ = 0;
  std::string token_;
};

RowFilter RowFilter::parse(const std::string& text) {
  RowFilter filter;
  filter.text_ = text;
  RowFilterParser(filter).parse();
  return filter;
}

bool RowFilter::matches(std::span<const double> values) const { return eval(root_, values); }

bool RowFilter::eval(int index, std::span<const double> values) const {
  const Node& node = nodes_[static_cast<std::size_t>(index)];
  if (node.op == Op::kAnd) return eval(node.left, values) && eval(node.right, values);
  if (node.op == Op::kOr) return eval(node.left, values) || eval(node.right, values);
  const auto value = [&](const Operand& o) {
    return o.column < 0 ? o.value : values[static_cast<std::size_t>(o.column)];
  };
  return compare(node.op, value(node.a), value(node.b));
}

bool RowFilter::compare(Op op, double a, double b) {
  switch (op) {
    case Op::kLess:
      return a < b;
    case Op::kLessEqual:
      return a <= b;
    case Op::kGreater:
      return a > b;
    case Op::kGreaterEqual:
      return a >= b;
    case Op::kEqual:
      return a == b;
    case Op::kNotEqual:
      return a != b;
    default:
      return false;
  }
}

}  // namespace qg::results
