#include "train/train_spec.hpp"

#include <algorithm>

#include "qg/jobs/spec_reader.hpp"

namespace qg::jobs {
namespace {

using kernels::ml::FeatureSpec;
using kernels::ml::TargetKind;

constexpr std::uint64_t kMaxGridValues = 100'000;

kernels::ml::FeatureSpec read_feature(const detail::Field& field) {
  if (!field.is_map()) field.fail("must be a map {kind: NAME, PARAM: N}");
  const auto kinds = kernels::ml::feature_kind_names();
  const detail::MapReader probe(field, {"kind", "lags", "window", "period"});
  const detail::Field kind_field = probe.required("kind");
  const auto kind = kernels::ml::feature_kind(kind_field.as_string());
  if (!kind)
    kind_field.fail("unknown feature '" + kind_field.as_string() + "' (known: " + detail::join_names(kinds) + ")");
  const std::string_view param = kernels::ml::feature_param_name(*kind);
  const auto m = field.as_map({"kind", param});
  const detail::Field value = m.required(param);
  const std::int64_t v = value.as_int();
  const int lo = kernels::ml::feature_min_param(*kind);
  if (v < lo || v > 100'000)
    value.fail("must be an integer from " + std::to_string(lo) + " to 100000 (got " + std::to_string(v) + ")");
  return {*kind, static_cast<int>(v)};
}

std::vector<FeatureSpec> read_features(const detail::Field& field) {
  std::vector<FeatureSpec> out;
  const auto items = field.as_list();
  if (items.empty()) field.fail("must list at least one feature");
  for (const auto& item : items) {
    const FeatureSpec f = read_feature(item);
    for (const auto& seen : out)
      if (seen.kind == f.kind && seen.param == f.param) item.fail("the same feature is listed twice");
    out.push_back(f);
  }
  return out;
}

void read_target_kind(const detail::Field& kind, TrainSpec& spec) {
  const std::string name = kind.as_string();
  if (name == "next_return")
    spec.target = TargetKind::kNextReturn;
  else if (name == "next_up")
    spec.target = TargetKind::kNextUp;
  else
    kind.fail("unknown target '" + name + "' (known: next_return, next_up)");
}

// A Field is never reassigned here: assigning a YAML::Node writes through to the document.
void read_target(const detail::Field& field, TrainSpec& spec) {
  if (!field.is_map()) return read_target_kind(field, spec);
  const auto m = field.as_map({"kind", "horizon"});
  read_target_kind(m.required("kind"), spec);
  if (auto h = m.optional("horizon")) {
    const std::int64_t v = h->as_int();
    if (v < 1 || v > 10'000) h->fail("must be a number of bars from 1 to 10000 (got " + std::to_string(v) + ")");
    spec.horizon = static_cast<int>(v);
  }
}

//! Values of one hyper-parameter: a number, a list, or {from, to, count, log}.
std::vector<double> read_values(const detail::Field& field) {
  if (field.is_scalar()) return {field.as_double()};
  if (field.is_list()) {
    std::vector<double> out;
    for (const auto& item : field.as_list()) out.push_back(item.as_double());
    if (out.empty()) field.fail("must list at least one value");
    return out;
  }
  const auto m = field.as_map({"from", "to", "count", "log"});
  const double from = m.required("from").as_double(), to = m.required("to").as_double();
  const detail::Field count_field = m.required("count");
  const std::uint64_t count = count_field.as_uint();
  if (count < 1 || count > kMaxGridValues) count_field.fail("must be from 1 to " + std::to_string(kMaxGridValues));
  const auto log = m.optional("log");
  if (log && log->as_bool()) {
    if (!(from > 0 && to > 0)) field.fail("a log grid needs from > 0 and to > 0");
    return numpy_logspace(from, to, count);
  }
  return numpy_linspace(from, to, count);
}

//! Checks every value of an axis against the model's bounds.
void check_axis(const detail::Field& field, const HyperAxis& axis) {
  for (double v : axis.values) {
    const bool ok = axis.name == "C" ? v > 0 : axis.name == "l1_ratio" ? v >= 0 && v <= 1 : v >= 0;
    const char* bound = axis.name == "C" ? "> 0" : axis.name == "l1_ratio" ? "between 0 and 1" : ">= 0";
    if (!ok) field.fail("every value must be " + std::string(bound) + " (got " + std::to_string(v) + ")");
  }
}

void read_model(const detail::Field& field, TrainSpec& spec) {
  const auto m = field.as_map({"kind", "params"});
  const detail::Field kind = m.required("kind");
  const std::string name = kind.as_string();
  std::vector<std::string_view> params;
  if (name == "ridge") {
    spec.model = ModelKind::kRidge, params = {"alpha"};
  } else if (name == "logistic") {
    spec.model = ModelKind::kLogistic, params = {"C"};
  } else if (name == "elastic_net") {
    spec.model = ModelKind::kElasticNet, params = {"alpha", "l1_ratio"};
  } else {
    kind.fail("unknown model '" + name + "' (known: ridge, logistic, elastic_net)");
  }
  const auto p = m.required("params").as_map(params);
  std::vector<HyperAxis> axes;
  for (std::string_view param : params) {
    if (param == "l1_ratio" && !p.has(param)) {  // scikit-learn's default
      axes.push_back({"l1_ratio", {0.5}});
      continue;
    }
    const detail::Field values = p.required(param);
    axes.push_back({std::string(param), read_values(values)});
    check_axis(values, axes.back());
  }
  spec.grid = make_grid(std::move(axes));
  if (spec.grid.size() > kMaxGridValues)
    field.fail("the grid has more than " + std::to_string(kMaxGridValues) + " sets");
}

int read_count(const detail::MapReader& m, std::string_view key, int fallback, int lo) {
  const auto f = m.optional(key);
  if (!f) return fallback;
  const std::int64_t v = f->as_int();
  if (v < lo || v > 1000)
    f->fail("must be an integer from " + std::to_string(lo) + " to 1000 (got " + std::to_string(v) + ")");
  return static_cast<int>(v);
}

std::int64_t read_bars(const detail::MapReader& m, std::string_view key, std::int64_t fallback) {
  const auto f = m.optional(key);
  return f ? static_cast<std::int64_t>(f->as_uint()) : fallback;
}

void read_cv(const detail::Field& field, TrainSpec& spec) {
  const auto probe = field.as_map(
      {"kind", "n_splits", "test_size", "gap", "max_train_size", "purge", "embargo", "n_groups", "n_test_groups"});
  const detail::Field kind = probe.required("kind");
  const std::string name = kind.as_string();
  CvSpec& cv = spec.cv;
  cv.purge = spec.horizon;
  if (name == "time_series") {
    const auto m = field.as_map({"kind", "n_splits", "test_size", "gap", "max_train_size"});
    cv.kind = CvKind::kTimeSeries;
    cv.n_splits = read_count(m, "n_splits", 5, 2);
    cv.test_size = read_bars(m, "test_size", 0);
    cv.gap = read_bars(m, "gap", 0);
    cv.max_train_size = read_bars(m, "max_train_size", 0);
  } else if (name == "purged_kfold") {
    const auto m = field.as_map({"kind", "n_splits", "purge", "embargo"});
    cv.kind = CvKind::kPurgedKfold;
    cv.n_splits = read_count(m, "n_splits", 5, 2);
    cv.purge = read_bars(m, "purge", spec.horizon);
    cv.embargo = read_bars(m, "embargo", 0);
  } else if (name == "cpcv") {
    const auto m = field.as_map({"kind", "n_groups", "n_test_groups", "purge", "embargo"});
    cv.kind = CvKind::kCpcv;
    cv.n_groups = read_count(m, "n_groups", 6, 2);
    cv.n_test_groups = read_count(m, "n_test_groups", 2, 1);
    if (cv.n_test_groups >= cv.n_groups)
      m.fail_key("n_test_groups", "must be less than n_groups (" + std::to_string(cv.n_groups) + ")");
    cv.purge = read_bars(m, "purge", spec.horizon);
    cv.embargo = read_bars(m, "embargo", 0);
  } else {
    kind.fail("unknown cross-validation '" + name + "' (known: time_series, purged_kfold, cpcv)");
  }
}

void read_scoring(const std::optional<detail::Field>& field, TrainSpec& spec) {
  const auto known = spec.scores();
  if (!field) {
    spec.scoring = known.front();
    return;
  }
  spec.scoring = field->as_string();
  if (std::find(known.begin(), known.end(), spec.scoring) != known.end()) return;
  std::vector<std::string_view> names(known.begin(), known.end());
  field->fail("'" + spec.scoring + "' does not score a " + std::string(model_kind_name(spec.model)) +
              " model (use one of: " + detail::join_names(names) + ")");
}

void read_ensemble(const detail::Field& field, TrainSpec& spec) {
  const auto m = field.as_map({"members", "bootstrap", "block_size"});
  const detail::Field members = m.required("members");
  const std::int64_t n = members.as_int();
  if (n < 1 || n > 10'000) members.fail("must be from 1 to 10000 (got " + std::to_string(n) + ")");
  spec.ensemble.members = static_cast<int>(n);
  if (auto bootstrap = m.optional("bootstrap"))
    if (bootstrap->as_string() != "block")
      bootstrap->fail("unknown bootstrap '" + bootstrap->as_string() + "' (known: block)");
  const detail::Field block = m.required("block_size");
  spec.ensemble.block_size = static_cast<std::int64_t>(block.as_uint());
  if (spec.ensemble.block_size < 1) block.fail("must be at least 1");
}

void read_fit(const detail::Field& field, TrainSpec& spec) {
  const auto m = field.as_map({"data_parallel"});
  if (auto dp = m.optional("data_parallel")) {
    spec.fit.data_parallel = dp->as_bool();
    if (spec.fit.data_parallel && spec.model == ModelKind::kElasticNet)
      dp->fail("a data-parallel fit takes a ridge or logistic model, not elastic_net");
  }
}

}  // namespace

std::string_view model_kind_name(ModelKind kind) {
  switch (kind) {
    case ModelKind::kRidge:
      return "ridge";
    case ModelKind::kLogistic:
      return "logistic";
    case ModelKind::kElasticNet:
      return "elastic_net";
  }
  return "?";
}

std::string_view cv_kind_name(CvKind kind) {
  switch (kind) {
    case CvKind::kTimeSeries:
      return "time_series";
    case CvKind::kPurgedKfold:
      return "purged_kfold";
    case CvKind::kCpcv:
      return "cpcv";
  }
  return "?";
}

std::vector<std::string> TrainSpec::scores() const {
  if (classifier()) return {"log_loss", "accuracy", "roc_auc"};
  return {"mse", "r2"};
}

TrainSpec parse_train_spec(const std::string& spec_text, const std::string& origin) {
  const YAML::Node root = detail::load_spec(spec_text, origin);
  TrainSpec spec;
  spec.header = detail::read_header(root, origin);
  const detail::MapReader top = detail::root_reader(root, origin, detail::top_level_keys(spec.header.kind));
  spec.features = read_features(top.required("features"));
  if (auto target = top.optional("target")) read_target(*target, spec);
  const detail::Field model = top.required("model");
  read_model(model, spec);
  if (spec.classifier() && spec.target != TargetKind::kNextUp) {
    const auto target = top.optional("target");
    (target ? *target : model).fail("a logistic model needs the 0/1 target next_up");
  }
  if (auto cv = top.optional("cv"))
    read_cv(*cv, spec);
  else
    spec.cv.purge = spec.horizon;
  read_scoring(top.optional("scoring"), spec);
  if (auto ensemble = top.optional("ensemble")) read_ensemble(*ensemble, spec);
  if (auto fit = top.optional("fit")) read_fit(*fit, spec);
  return spec;
}

}  // namespace qg::jobs
