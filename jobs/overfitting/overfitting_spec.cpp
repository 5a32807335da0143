#include "overfitting/overfitting_spec.hpp"

namespace qg::jobs {
namespace {

bool read_enabled(const detail::Field& field, bool may_disable) {
  const bool enabled = field.as_bool();
  if (!enabled && !may_disable)
    field.fail("a walk-forward run always computes its overfitting statistics; it cannot be turned off");
  return enabled;
}

}  // namespace

OverfittingSpec read_overfitting_spec(const detail::Field& field, OverfittingSpec defaults, bool may_disable) {
  OverfittingSpec spec = defaults;
  spec.requested = true;
  if (field.is_scalar()) {
    spec.enabled = read_enabled(field, may_disable);
    return spec;
  }
  const auto m = field.as_map({"enabled", "pbo_blocks"});
  if (auto enabled = m.optional("enabled")) spec.enabled = read_enabled(*enabled, may_disable);
  if (!m.has("pbo_blocks")) return spec;
  const detail::Field blocks = m.required("pbo_blocks");
  const std::int64_t s = blocks.as_int();
  if (s < 2 || s > 32 || s % 2 != 0)
    blocks.fail("must be an even number between 2 and 32 (got " + std::to_string(s) + ")");
  spec.pbo_blocks = static_cast<int>(s);
  return spec;
}

}  // namespace qg::jobs
