// `where` constraints: a tiny recursive-descent parser over "TERM op TERM", TERM being an
// operand or "operand (+|-|*|/) operand".
#include <cctype>
#include <charconv>
#include <cmath>

#include "search/param_space.hpp"

namespace qg::jobs {
namespace {

class ConstraintParser {
 public:
  ConstraintParser(std::string_view text, std::span<const std::string> names) : text_(text), names_(names) {}

  std::optional<Constraint> parse(std::string& error) {
    Constraint c;
    c.text = std::string(text_);
    if (!term(c.left) || !compare(c.op) || !term(c.right)) {
      error = error_;
      return std::nullopt;
    }
    skip_space();
    if (pos_ != text_.size()) {
      error = "unexpected '" + std::string(text_.substr(pos_)) + "' after the comparison";
      return std::nullopt;
    }
    if (!uses_param(c.left) && !uses_param(c.right)) {
      error = "compares no parameter";
      return std::nullopt;
    }
    return c;
  }

 private:
  static bool uses_param(const Term& t) { return t.lhs.param >= 0 || (t.arith && t.rhs.param >= 0); }

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  // The unparsed text, quoted, for messages (built by appending: GCC 12 warns falsely on
  // "'" + std::string&&).
  std::string rest() const {
    if (pos_ >= text_.size()) return "the end";
    std::string out = "'";
    out += text_.substr(pos_);
    out += '\'';
    return out;
  }

  bool fail(std::string what) {
    error_ = std::move(what);
    return false;
  }

  bool term(Term& t) {
    if (!operand(t.lhs)) return false;
    skip_space();
    if (pos_ < text_.size() && std::string_view("+-*/").find(text_[pos_]) != std::string_view::npos) {
      t.arith = text_[pos_++];
      if (!operand(t.rhs)) return false;
      if (t.arith == '/' && t.rhs.param < 0 && t.rhs.number == 0) return fail("division by zero");
    }
    return true;
  }

  bool operand(Operand& op) {
    skip_space();
    const std::size_t start = pos_;
    if (pos_ < text_.size() && (std::isalpha(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
      while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_'))
        ++pos_;
      return name(text_.substr(start, pos_ - start), op);
    }
    double v = 0;
    auto [end, ec] = std::from_chars(text_.data() + pos_, text_.data() + text_.size(), v);
    if (ec != std::errc() || !std::isfinite(v)) {
      return fail("expected a parameter name or a number at " + rest());
    }
    pos_ = static_cast<std::size_t>(end - text_.data());
    op.number = v;
    return true;
  }

  bool name(std::string_view id, Operand& op) {
    for (std::size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == id) {
        op.param = static_cast<int>(i);
        return true;
      }
    }
    std::string known;
    for (std::size_t i = 0; i < names_.size(); ++i) known += (i ? ", " : "") + names_[i];
    return fail("unknown parameter '" + std::string(id) + "' (parameters: " + known + ")");
  }

  bool compare(CompareOp& op) {
    skip_space();
    static constexpr std::pair<std::string_view, CompareOp> kOps[] = {
        {"<=", CompareOp::kLessEqual}, {">=", CompareOp::kGreaterEqual}, {"==", CompareOp::kEqual},
        {"!=", CompareOp::kNotEqual},  {"<", CompareOp::kLess},          {">", CompareOp::kGreater}};
    for (const auto& [spelling, value] : kOps) {
      if (text_.substr(pos_, spelling.size()) == spelling) {
        pos_ += spelling.size();
        op = value;
        return true;
      }
    }
    return fail("expected a comparison (< <= > >= == !=) at " + rest());
  }

  std::string_view text_;
  std::span<const std::string> names_;
  std::size_t pos_ = 0;
  std::string error_;
};

}  // namespace

double Term::value(std::span<const double> set) const {
  const double a = lhs.value(set);
  switch (arith) {
    case '+':
      return a + rhs.value(set);
    case '-':
      return a - rhs.value(set);
    case '*':
      return a * rhs.value(set);
    case '/':
      return a / rhs.value(set);
    default:
      return a;
  }
}

bool Constraint::holds(std::span<const double> set) const {
  const double a = left.value(set);
  const double b = right.value(set);
  switch (op) {
    case CompareOp::kLess:
      return a < b;
    case CompareOp::kLessEqual:
      return a <= b;
    case CompareOp::kGreater:
      return a > b;
    case CompareOp::kGreaterEqual:
      return a >= b;
    case CompareOp::kEqual:
      return a == b;
    case CompareOp::kNotEqual:
      return a != b;
  }
  return false;
}

std::optional<Constraint> parse_constraint(std::string_view text, std::span<const std::string> names,
                                           std::string& error) {
  return ConstraintParser(text, names).parse(error);
}

}  // namespace qg::jobs
