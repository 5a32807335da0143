#pragma once
// The parameter space of a sweep: one value list per strategy parameter, `where`
// constraints, and the search methods that turn them into the list of parameter sets.
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace qg::kernels {
class Strategy;
}

namespace qg::jobs {

//! The values one parameter takes, in spec order (a fixed parameter has one value).
struct ParamAxis {
  std::string name;
  std::vector<double> values;
};

//! `a op b` in a `where` constraint.
enum class CompareOp : std::uint8_t { kLess, kLessEqual, kGreater, kGreaterEqual, kEqual, kNotEqual };

//! A parameter (index >= 0) or a number.
struct Operand {
  int param = -1;
  double number = 0;
  double value(std::span<const double> set) const { return param >= 0 ? set[static_cast<std::size_t>(param)] : number; }
};

//! One side of a constraint: `lhs` or `lhs arith rhs` with arith one of + - * /.
struct Term {
  Operand lhs;
  char arith = 0;  // 0 when the term is a single operand
  Operand rhs;
  double value(std::span<const double> set) const;
};

//! One `where` entry, e.g. "fast * 2 <= slow". Compared exactly (no tolerance).
struct Constraint {
  Term left;
  CompareOp op = CompareOp::kLess;
  Term right;
  std::string text;  // as written, for messages
  bool holds(std::span<const double> set) const;
};

//! Parses "A op B" (A, B: a parameter name or number, optionally with one + - * / and another
//! name or number) against the parameter `names`. Returns nullopt and sets `error` when the
//! text is malformed or names an unknown parameter.
std::optional<Constraint> parse_constraint(std::string_view text, std::span<const std::string> names,
                                           std::string& error);

//! from, from + step, ... while <= to; `to` itself is included when it lands on the grid
//! within 1e-9 relative (then it is emitted exactly). Requires step > 0 and from <= to.
std::vector<double> step_values(double from, double to, double step);

//! `count` points from `from` to `to` inclusive, evenly spaced or geometric (`log`, needs
//! from > 0). With `integer`, points are rounded to the nearest integer and repeats dropped,
//! so an integer axis may hold fewer than `count` values.
std::vector<double> count_values(double from, double to, std::uint64_t count, bool log, bool integer);

enum class SearchMethod : std::uint8_t { kGrid, kRandom, kSobol };

//! How parameter sets are drawn from the axes.
struct SearchSpec {
  SearchMethod method = SearchMethod::kGrid;
  std::uint64_t samples = 0;  // random, sobol
  std::uint64_t seed = 0;     // random (defaults to the spec seed)
};

//! "grid", "random", "sobol".
std::string_view search_method_name(SearchMethod method);

//! The parameter sets of a sweep, set-major (size() * n_params values), and what was dropped.
struct ComboSet {
  std::size_t n_params = 0;
  std::vector<double> values;
  std::uint64_t candidates = 0;       // sets generated before any filtering
  std::uint64_t rejected_where = 0;   // failed a `where` constraint
  std::uint64_t duplicates = 0;       // random / sobol draws equal to an earlier set
  std::uint64_t skipped_invalid = 0;  // the strategy's invalid_reason() was non-empty

  std::size_t size() const { return n_params ? values.size() / n_params : 0; }
  std::span<const double> set(std::size_t i) const { return {values.data() + i * n_params, n_params}; }
};

//! Thrown by the combo builders for a search that cannot be served (too many grid points,
//! too few random draws accepted); the spec parser turns it into a located ConfigError.
struct SearchError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

//! Most parameter sets a sweep may hold (every rank keeps them in memory).
inline constexpr std::uint64_t kMaxCombos = 10'000'000;
//! Most grid points enumerated before `where` filtering.
inline constexpr std::uint64_t kMaxGridPoints = 200'000'000;

//! Cartesian product of the axes in lexicographic order (first axis slowest), keeping the sets
//! that satisfy every constraint and that `strategy` accepts.
ComboSet grid_combos(std::span<const ParamAxis> axes, std::span<const Constraint> where,
                     const kernels::Strategy& strategy);

//! `search.samples` draws, uniform over each axis's values, from Philox4x32-10 keyed by
//! (search.seed, draw index); draws violating `where` are rejected and redrawn (at most
//! 100 * samples draws), then duplicates are dropped keeping the first.
ComboSet random_combos(std::span<const ParamAxis> axes, std::span<const Constraint> where,
                       const kernels::Strategy& strategy, const SearchSpec& search);

//! Points 1..samples of the Sobol sequence over the axes with more than one value (in axis
//! order), coordinate u mapped to value floor(u * n); filtered by `where`, duplicates dropped.
ComboSet sobol_combos(std::span<const ParamAxis> axes, std::span<const Constraint> where,
                      const kernels::Strategy& strategy, const SearchSpec& search);

//! Dispatches on search.method.
ComboSet build_combos(std::span<const ParamAxis> axes, std::span<const Constraint> where,
                      const kernels::Strategy& strategy, const SearchSpec& search);

}  // namespace qg::jobs
