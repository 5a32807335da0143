// Parsing of the var spec (portfolio, model, horizon, levels, scenarios, stress, backtest)
// and the setup built against the data: dates common to the book's symbols, returns, the
// estimated covariance and its Cholesky factor, and the compiled book.
#include "var/var_spec.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "qg/core/error.hpp"
#include "qg/kernels/var/risk_model.hpp"
#include "qg/jobs/spec_reader.hpp"

namespace qg::jobs {
namespace {

using detail::Field;
using detail::MapReader;
using kernels::var::Distribution;
using kernels::var::OptionType;

constexpr std::uint64_t kMaxBatch = std::uint64_t{1} << 22;
constexpr std::uint64_t kMaxScenarios = std::uint64_t{1} << 40;

std::string fmt(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(v);
}

double positive(const Field& f) {
  const double v = f.as_double();
  if (!(v > 0)) f.fail("must be > 0 (got " + fmt(v) + ")");
  return v;
}

// ---- portfolio ----

VarPositionSpec read_position(const Field& field) {
  const MapReader m = field.as_map({"symbol", "quantity", "option", "strike", "expiry_days", "vol"});
  VarPositionSpec p;
  p.symbol = m.required("symbol").as_string();
  const Field qty = m.required("quantity");
  p.quantity = qty.as_double();
  if (p.quantity == 0) qty.fail("must not be 0");
  p.label = p.symbol;
  if (!m.has("option")) {
    for (auto key : {"strike", "expiry_days", "vol"})
      if (m.has(key)) m.required(key).fail("only applies to options (add option: call or put)");
    return p;
  }
  const Field kind = m.required("option");
  const std::string k = kind.as_string();
  if (k == "put")
    p.type = OptionType::kPut;
  else if (k != "call")
    kind.fail("must be call or put (got '" + k + "')");
  p.is_option = true;
  p.strike = positive(m.required("strike"));
  p.expiry_days = positive(m.required("expiry_days"));
  p.vol = positive(m.required("vol"));
  p.label = k + " " + p.symbol + " " + fmt(p.strike) + " " + fmt(p.expiry_days) + "d";
  return p;
}

void read_portfolio(const Field& field, VarSpec& spec) {
  const MapReader m = field.as_map({"positions"});
  const Field list = m.required("positions");
  const auto items = list.as_list();
  if (items.empty()) list.fail("must list at least one position");
  for (const auto& item : items) spec.positions.push_back(read_position(item));
}

// ---- model ----

void read_model(const Field& field, VarSpec& spec) {
  const MapReader m = field.as_map({"window", "covariance", "lambda", "distribution", "nu", "mean", "shrinkage"});
  if (auto w = m.optional("window")) {
    spec.window = w->as_uint();
    if (spec.window < 2) w->fail("must be >= 2 (returns used to estimate)");
  }
  if (auto c = m.optional("covariance")) {
    const std::string v = c->as_string();
    if (v == "ewma")
      spec.covariance = CovarianceKind::kEwma;
    else if (v != "sample")
      c->fail("must be sample or ewma (got '" + v + "')");
  }
  if (auto l = m.optional("lambda")) {
    if (spec.covariance != CovarianceKind::kEwma) l->fail("only applies to covariance: ewma");
    spec.lambda = l->as_double();
    if (!(spec.lambda > 0 && spec.lambda < 1)) l->fail("must be in (0, 1) (got " + fmt(spec.lambda) + ")");
  }
  if (auto d = m.optional("distribution")) {
    const std::string v = d->as_string();
    if (v == "student_t")
      spec.distribution = Distribution::kStudentT;
    else if (v == "historical")
      spec.distribution = Distribution::kBootstrap;
    else if (v != "normal")
      d->fail("must be normal, student_t or historical (got '" + v + "')");
  }
  const auto nu = m.optional("nu");
  if (spec.distribution == Distribution::kStudentT) {
    if (!nu) m.fail_key("nu", "missing (student_t needs integer degrees of freedom, e.g. nu: 5)");
    const std::int64_t v = nu->as_int();
    if (v < 3 || v > 1000) nu->fail("must be an integer in [3, 1000] (variance-matched t needs nu > 2)");
    spec.nu = static_cast<int>(v);
  } else if (nu) {
    nu->fail("only applies to distribution: student_t");
  }
  if (auto mean = m.optional("mean")) {
    const std::string v = mean->as_string();
    if (v == "sample")
      spec.mean = MeanKind::kSample;
    else if (v != "zero")
      mean->fail("must be zero or sample (got '" + v + "')");
  }
  if (auto s = m.optional("shrinkage")) {
    spec.shrinkage = s->as_double();
    if (!(spec.shrinkage >= 0 && spec.shrinkage <= 1)) s->fail("must be in [0, 1] (got " + fmt(spec.shrinkage) + ")");
  }
}

// ---- levels, sizes, stress, backtest ----

void read_confidence(const Field& field, VarSpec& spec) {
  const std::vector<Field> items = field.is_list() ? field.as_list() : std::vector<Field>{field};
  if (items.empty()) field.fail("must list at least one level");
  for (const auto& item : items) {
    const double a = item.as_double();
    if (!(a > 0 && a < 1)) item.fail("must be in (0, 1), e.g. 0.99 (got " + fmt(a) + ")");
    if (std::find(spec.confidence.begin(), spec.confidence.end(), a) != spec.confidence.end())
      item.fail("level " + fmt(a) + " listed twice");
    spec.confidence.push_back(a);
  }
}

void read_sizes(const MapReader& top, VarSpec& spec) {
  if (auto h = top.optional("horizon_days")) {
    const std::int64_t v = h->as_int();
    if (v < 1 || v > 2520) h->fail("must be an integer in [1, 2520] (trading days)");
    spec.horizon_days = static_cast<int>(v);
  }
  if (auto s = top.optional("scenarios")) {
    spec.scenarios = s->as_uint();
    if (spec.scenarios < 1 || spec.scenarios > kMaxScenarios) s->fail("must be in [1, 2^40]");
  }
  if (auto b = top.optional("batch")) {
    spec.batch = b->as_uint();
    if (spec.batch < 1 || spec.batch > kMaxBatch) b->fail("must be in [1, " + std::to_string(kMaxBatch) + "]");
  }
  if (auto r = top.optional("rate")) spec.rate = r->as_double();
  if (auto inc = top.optional("incremental_var")) {
    const std::string v = inc->as_string();
    if (v == "auto")
      spec.incremental_var = IncrementalVar::kAuto;
    else if (v == "true")
      spec.incremental_var = IncrementalVar::kOn;
    else if (v == "false")
      spec.incremental_var = IncrementalVar::kOff;
    else
      inc->fail("must be auto, true or false (got '" + v + "')");
  }
}

void read_backtest(const Field& field, VarSpec& spec) {
  const MapReader m = field.as_map({"window"});
  const Field w = m.required("window");
  spec.backtest_window = w.as_uint();
  if (spec.backtest_window < 2) w.fail("must be >= 2");
}

}  // namespace

double VarSpec::min_confidence() const { return *std::min_element(confidence.begin(), confidence.end()); }

std::string_view distribution_name(Distribution d) {
  switch (d) {
    case Distribution::kNormal:
      return "normal";
    case Distribution::kStudentT:
      return "student_t";
    default:
      return "historical";
  }
}

// The data-dependent half of build_var_setup (var_setup.cpp): stress scenarios, symbols,
// dates, returns, the model and the book.
void build_from_data(const MapReader& top, const MarketData& data, VarSetup& setup);

VarSetup build_var_setup(const std::string& spec_text, const std::string& origin, const MarketData& data) {
  const YAML::Node root = detail::load_spec(spec_text, origin);
  VarSetup setup;
  VarSpec& spec = setup.spec;
  spec.header = detail::read_header(root, origin);
  const MapReader top = detail::root_reader(root, origin, detail::top_level_keys(spec.header.kind));
  if (spec.header.kind != "var") top.required("job").fail("expected 'var' here (got '" + spec.header.kind + "')");
  read_portfolio(top.required("portfolio"), spec);
  if (auto model = top.optional("model")) read_model(*model, spec);
  read_sizes(top, spec);
  if (auto c = top.optional("confidence"))
    read_confidence(*c, spec);
  else
    spec.confidence = {0.95, 0.99};
  if (auto b = top.optional("backtest")) read_backtest(*b, spec);
  build_from_data(top, data, setup);
  return setup;
}

}  // namespace qg::jobs
