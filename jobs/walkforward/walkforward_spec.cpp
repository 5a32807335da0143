#include "walkforward/walkforward_spec.hpp"

#include "overfitting/overfitting_spec.hpp"
#include "qg/jobs/spec_reader.hpp"
#include "qg/kernels/backtest.hpp"

namespace qg::jobs {
namespace {

std::int64_t read_bars(const detail::MapReader& m, std::string_view key) {
  const detail::Field field = m.required(key);
  const std::int64_t v = field.as_int();
  if (v < 1) field.fail("must be a positive number of bars (got " + std::to_string(v) + ")");
  return v;
}

void read_windows(const detail::Field& field, WalkforwardSpec& spec) {
  const auto m = field.as_map({"in_sample", "out_of_sample", "anchored"});
  spec.in_sample = read_bars(m, "in_sample");
  spec.out_of_sample = read_bars(m, "out_of_sample");
  if (auto anchored = m.optional("anchored")) spec.anchored = anchored->as_bool();
}

void read_objective(const detail::Field& field, WalkforwardSpec& spec) {
  spec.objective = field.as_string();
  spec.objective_metric = kernels::metric_index(spec.objective);
  if (spec.objective_metric < 0) {
    const auto names = kernels::metric_names();
    field.fail("unknown metric '" + spec.objective + "' (known: " + detail::join_names({names.begin(), names.end()}) +
               ")");
  }
  spec.minimise = spec.objective == "max_drawdown" || spec.objective == "volatility";
}

}  // namespace

WalkforwardSpec parse_walkforward_spec(const std::string& spec_text, const std::string& origin) {
  const YAML::Node root = detail::load_spec(spec_text, origin);
  WalkforwardSpec spec;
  spec.header = detail::read_header(root, origin);
  const detail::MapReader top = detail::root_reader(root, origin, detail::top_level_keys(spec.header.kind));
  const auto strategies = registered_strategies();
  spec.search = read_strategy_search(top, spec.header.seed, strategies);
  read_windows(top.required("windows"), spec);
  if (auto objective = top.optional("objective"))
    read_objective(*objective, spec);
  else
    spec.objective_metric = kernels::metric_index(spec.objective);
  if (auto overfitting = top.optional("overfitting"))
    spec.pbo_blocks = read_overfitting_spec(*overfitting, {}, false).pbo_blocks;
  build_parameter_sets(top, spec.search);
  return spec;
}

}  // namespace qg::jobs
