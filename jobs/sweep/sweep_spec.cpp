// Parsing of a sweep spec: the common header, the strategy-search section, rank_by and overfitting.
#include "sweep/sweep_spec.hpp"

#include "qg/jobs/spec_reader.hpp"
#include "qg/kernels/backtest.hpp"

namespace qg::jobs {
namespace {

std::string read_rank_by(const detail::Field& field) {
  std::string rank_by = field.as_string();
  if (kernels::metric_index(rank_by) < 0) {
    const auto names = kernels::metric_names();
    field.fail("unknown metric '" + rank_by + "' (known: " + detail::join_names({names.begin(), names.end()}) + ")");
  }
  return rank_by;
}

}  // namespace

SweepSpec parse_sweep_spec(const std::string& spec_text, const std::string& origin,
                           std::span<const kernels::Strategy* const> strategies) {
  const YAML::Node root = detail::load_spec(spec_text, origin);
  SweepSpec spec;
  spec.header = detail::read_header(root, origin);
  const detail::MapReader top = detail::root_reader(root, origin, detail::top_level_keys(spec.header.kind));
  if (spec.header.kind != "sweep") top.required("job").fail("expected 'sweep' here (got '" + spec.header.kind + "')");
  spec.search = read_strategy_search(top, spec.header.seed, strategies);
  if (auto rank_by = top.optional("rank_by")) spec.rank_by = read_rank_by(*rank_by);
  if (auto overfitting = top.optional("overfitting"))
    spec.overfitting = read_overfitting_spec(*overfitting, spec.overfitting, true);
  build_parameter_sets(top, spec.search);
  return spec;
}

SweepSpec parse_sweep_spec(const std::string& spec_text, const std::string& origin) {
  const auto strategies = registered_strategies();
  return parse_sweep_spec(spec_text, origin, strategies);
}

}  // namespace qg::jobs
