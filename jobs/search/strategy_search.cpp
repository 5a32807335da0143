// The strategy-search section that job kinds embed: strategy (kind, mode, params, where),
// search and costs; then the parameter sets are built so that a spec that yields none fails here.
#include "search/strategy_search.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "qg/core/error.hpp"
#include "qg/jobs/spec_reader.hpp"

namespace qg::jobs {
namespace {

using detail::Field;
using detail::MapReader;

//! Most values one parameter axis may hold.
constexpr double kMaxAxisValues = 1e6;
//! commission_bps + slippage_bps must stay below this: 100% per unit of position change.
constexpr double kMaxCostBps = 1e4;

std::string fmt(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(v);
}

std::string range_text(const kernels::ParamDef& def) {
  std::string out = "[";  // appended piecewise: GCC 12 misreports "x" + std::string&& (-Wrestrict)
  out += fmt(def.min);
  out += ", ";
  out += fmt(def.max);
  out += ']';
  return out;
}

void check_range(const Field& field, double v, const kernels::ParamDef& def) {
  if (v < def.min || v > def.max)
    field.fail(fmt(v) + " is outside the range of " + std::string(def.name) + " " + range_text(def));
}

// Range and integrality of one value given at `field`.
void check_value(const Field& field, double v, const kernels::ParamDef& def) {
  if (def.integer && v != std::round(v))
    field.fail("must be an integer (" + std::string(def.name) + " is an integer parameter), got " + fmt(v));
  check_range(field, v, def);
}

std::vector<double> read_value_list(const Field& field, const kernels::ParamDef& def) {
  const auto items = field.as_list();
  if (items.empty()) field.fail("must list at least one value");
  std::vector<double> out;
  for (const auto& item : items) {
    const double v = item.as_double();
    check_value(item, v, def);
    if (std::find(out.begin(), out.end(), v) != out.end()) item.fail("value " + fmt(v) + " listed twice");
    out.push_back(v);
  }
  return out;
}

// {from, to, step}: integer parameters need an integral start and step.
std::vector<double> read_step_axis(const MapReader& m, const kernels::ParamDef& def) {
  const Field from = m.required("from"), to = m.required("to"), step = m.required("step");
  const double a = from.as_double(), b = to.as_double(), s = step.as_double();
  if (s <= 0) step.fail("must be > 0");
  if (b < a) to.fail("must be >= from (" + fmt(a) + ")");
  check_value(from, a, def);
  if (def.integer && s != std::round(s))
    step.fail("must be an integer (" + std::string(def.name) + " is an integer parameter), got " + fmt(s));
  if ((b - a) / s + 1 > kMaxAxisValues) step.fail("gives more than " + fmt(kMaxAxisValues) + " values");
  std::vector<double> values = step_values(a, b, s);
  check_range(to, values.back(), def);
  return values;
}

// {from, to, count, log}: integer parameters are rounded to the nearest integer, repeats dropped.
std::vector<double> read_count_axis(const MapReader& m, const kernels::ParamDef& def) {
  const Field from = m.required("from"), to = m.required("to"), count = m.required("count");
  const double a = from.as_double(), b = to.as_double();
  const std::uint64_t n = count.as_uint();
  const bool log = m.has("log") && m.required("log").as_bool();
  if (n < 1) count.fail("must be >= 1");
  if (static_cast<double>(n) > kMaxAxisValues) count.fail("must be at most " + fmt(kMaxAxisValues));
  if (b < a) to.fail("must be >= from (" + fmt(a) + ")");
  if (log && a <= 0) from.fail("must be > 0 with log: true");
  check_range(from, a, def);
  check_range(to, b, def);
  return count_values(a, b, n, log, def.integer);
}

// A map form: exactly one of {values}, {from, to, step}, {from, to, count[, log]}.
std::vector<double> read_axis_map(const Field& field, const kernels::ParamDef& def) {
  const MapReader m = field.as_map({"from", "to", "step", "count", "log", "values"});
  if (m.has("values")) {
    for (auto key : {"from", "to", "step", "count", "log"})
      if (m.has(key)) m.required(key).fail("cannot be combined with values");
    return read_value_list(m.required("values"), def);
  }
  if (m.has("step") && m.has("count")) m.required("count").fail("give step or count, not both");
  if (m.has("log") && !m.has("count")) m.required("log").fail("only applies with count");
  if (m.has("count")) return read_count_axis(m, def);
  if (!m.has("step")) m.fail_key("step", "missing (give step, or count, or values)");
  return read_step_axis(m, def);
}

ParamAxis read_axis(const Field& field, const kernels::ParamDef& def) {
  ParamAxis axis{std::string(def.name), {}};
  if (field.is_map()) {
    axis.values = read_axis_map(field, def);
  } else if (field.is_list()) {
    axis.values = read_value_list(field, def);  // shorthand for {values: [...]}
  } else {
    const double v = field.as_double();  // a fixed value
    check_value(field, v, def);
    axis.values = {v};
  }
  return axis;
}

std::vector<std::string_view> param_names(const kernels::Strategy& strategy) {
  std::vector<std::string_view> names;
  for (const auto& def : strategy.params()) names.push_back(def.name);
  return names;
}

void read_params(const Field& field, StrategySearch& spec) {
  const auto names = param_names(*spec.strategy);
  const std::string unknown = "unknown parameter of " + std::string(spec.strategy->kind());
  const MapReader params(field, names, unknown);
  for (const auto& def : spec.strategy->params()) {
    const auto value = params.optional(def.name);
    if (!value)
      params.fail_key(def.name,
                      "missing (" + std::string(spec.strategy->kind()) + " needs: " + detail::join_names(names) + ")");
    spec.axes.push_back(read_axis(*value, def));
  }
}

void read_where(const Field& field, StrategySearch& spec) {
  std::vector<std::string> names;
  for (const auto& axis : spec.axes) names.push_back(axis.name);
  for (const auto& item : field.as_list()) {
    const std::string text = item.as_string();
    std::string error;
    auto constraint = parse_constraint(text, names, error);
    if (!constraint) item.fail("bad constraint '" + text + "': " + error);
    spec.where.push_back(std::move(*constraint));
  }
}

const kernels::Strategy* find_strategy(const Field& field, std::span<const kernels::Strategy* const> strategies) {
  const std::string kind = field.as_string();
  std::vector<std::string_view> known;
  for (const auto* s : strategies) {
    if (s->kind() == kind) return s;
    known.push_back(s->kind());
  }
  std::sort(known.begin(), known.end());
  field.fail("unknown strategy '" + kind + "' (known: " + detail::join_names(known) + ")");
}

void read_strategy(const Field& field, std::span<const kernels::Strategy* const> strategies, StrategySearch& spec) {
  const MapReader m = field.as_map({"kind", "mode", "params", "where"});
  spec.strategy = find_strategy(m.required("kind"), strategies);
  if (auto mode = m.optional("mode")) {
    const std::string text = mode->as_string();
    if (text == "long_short")
      spec.mode = kernels::PositionMode::kLongShort;
    else if (text != "long_flat")
      mode->fail("must be long_flat or long_short (got '" + text + "')");
  }
  read_params(m.required("params"), spec);
  if (auto where = m.optional("where")) read_where(*where, spec);
}

void read_search(const Field& field, std::uint64_t default_seed, StrategySearch& spec) {
  const MapReader m = field.as_map({"method", "samples", "seed"});
  const std::string method = m.has("method") ? m.required("method").as_string() : "grid";
  if (method == "random")
    spec.sampling.method = SearchMethod::kRandom;
  else if (method == "sobol")
    spec.sampling.method = SearchMethod::kSobol;
  else if (method != "grid")
    m.required("method").fail("must be grid, random or sobol (got '" + method + "')");
  if (spec.sampling.method == SearchMethod::kGrid && m.has("samples"))
    m.required("samples").fail("only applies to random and sobol");
  if (spec.sampling.method != SearchMethod::kRandom && m.has("seed")) m.required("seed").fail("only applies to random");
  spec.sampling.seed = m.has("seed") ? m.required("seed").as_uint() : default_seed;
  if (spec.sampling.method == SearchMethod::kGrid) return;
  const Field samples = m.required("samples");
  spec.sampling.samples = samples.as_uint();
  if (spec.sampling.samples < 1 || spec.sampling.samples > kMaxCombos)
    samples.fail("must be between 1 and " + std::to_string(kMaxCombos));
}

double read_bps(const MapReader& m, std::string_view key) {
  if (!m.has(key)) return 0;
  const Field field = m.required(key);
  const double v = field.as_double();
  if (v < 0) field.fail("must be >= 0");
  return v;
}

//! Costs of 100% or more per unit of position change would ruin a book by themselves
//! (docs/strategies.md, "Ruin"): commission + slippage stays below 10,000 bps.
void read_costs(const Field& field, StrategySearch& spec) {
  const MapReader m = field.as_map({"commission_bps", "slippage_bps"});
  spec.commission_bps = read_bps(m, "commission_bps");
  spec.slippage_bps = read_bps(m, "slippage_bps");
  if (spec.commission_bps + spec.slippage_bps >= kMaxCostBps)
    field.fail("commission_bps + slippage_bps must be below 10000 (100% of the position per unit traded); got " +
               fmt(spec.commission_bps + spec.slippage_bps));
}

}  // namespace

double StrategySearch::cost_per_unit() const { return (commission_bps + slippage_bps) / 1e4; }

std::string_view position_mode_name(kernels::PositionMode mode) {
  return mode == kernels::PositionMode::kLongShort ? "long_short" : "long_flat";
}

std::vector<const kernels::Strategy*> registered_strategies() {
  std::vector<const kernels::Strategy*> out;
  for (auto kind : kernels::strategy_kinds()) out.push_back(kernels::find_strategy(kind));
  return out;
}

StrategySearch read_strategy_search(const detail::MapReader& top, std::uint64_t default_seed,
                                    std::span<const kernels::Strategy* const> strategies) {
  StrategySearch spec;
  read_strategy(top.required("strategy"), strategies, spec);
  if (auto search = top.optional("search"))
    read_search(*search, default_seed, spec);
  else
    spec.sampling.seed = default_seed;
  if (auto costs = top.optional("costs")) read_costs(*costs, spec);
  return spec;
}

// Builds the parameter sets; search limits are reported at the search section (or at
// strategy.params for a grid), an empty result at strategy.params.
void build_parameter_sets(const MapReader& top, StrategySearch& spec) {
  const Field params = top.required("strategy").as_map({"kind", "mode", "params", "where"}).required("params");
  const auto search = top.optional("search");
  try {
    spec.combos = build_combos(spec.axes, spec.where, *spec.strategy, spec.sampling);
  } catch (const SearchError& e) {
    (search && spec.sampling.method != SearchMethod::kGrid ? *search : params).fail(e.what());
  }
  if (spec.combos.size() == 0)
    params.fail("no parameter set left: " + std::to_string(spec.combos.candidates) + " generated, " +
                std::to_string(spec.combos.rejected_where) + " fail `where`, " +
                std::to_string(spec.combos.skipped_invalid) + " invalid for " + std::string(spec.strategy->kind()));
}

std::int64_t longest_window(const StrategySearch& search) {
  const auto defs = search.strategy->params();
  double longest = 0;
  for (std::size_t i = 0; i < search.combos.size(); ++i) {
    const auto set = search.combos.set(i);
    for (std::size_t p = 0; p < defs.size(); ++p)
      if (defs[p].integer) longest = std::max(longest, set[p]);
  }
  return static_cast<std::int64_t>(longest);
}

void check_bar_fields(const StrategySearch& search, const SymbolBars& bars, const std::string& data_file) {
  if (search.strategy->reads_high_low() && !bars.has(kFieldHigh | kFieldLow))
    throw DataError(data_file + ": symbol '" + bars.symbol + "' has closes only (imported from a wide CSV); " +
                    std::string(search.strategy->kind()) + " needs real high and low prices");
}

}  // namespace qg::jobs
