#include "qg/live/deployment.hpp"

#include <cmath>

#include "qg/live/keys.hpp"
#include "qg/live/model_artifact.hpp"
#include "qg/core/sha256.hpp"

namespace qg::live {
namespace {

[[noreturn]] void reject(const std::string& code, const std::string& reason) { throw Rejection{code, reason}; }

const nlohmann::json& member(const nlohmann::json& obj, const char* key, nlohmann::json::value_t type,
                             const std::string& where) {
  const auto it = obj.find(key);
  bool ok = it != obj.end();
  if (ok && type == nlohmann::json::value_t::number_float)
    ok = it->is_number();
  else if (ok && type == nlohmann::json::value_t::number_integer)
    ok = it->is_number_integer();
  else if (ok)
    ok = it->type() == type;
  if (!ok) reject("bad_record", where + "." + key + " is missing or has the wrong type");
  return *it;
}

std::vector<double> read_params(const kernels::Strategy& s, const nlohmann::json& params) {
  std::vector<double> values;
  for (const auto& def : s.params()) {
    const std::string name(def.name);
    const auto it = params.find(name);
    if (it == params.end() || !it->is_number())
      reject("invalid_params", std::string(s.kind()) + " needs parameter '" + name + "' (a number)");
    const double v = it->get<double>();
    if (!std::isfinite(v) || v < def.min || v > def.max)
      reject("invalid_params", name + " = " + it->dump() + " is outside [" + std::to_string(def.min) + ", " +
                                   std::to_string(def.max) + "]");
    if (def.integer && v != std::round(v)) reject("invalid_params", name + " must be an integer");
    values.push_back(v);
  }
  if (params.size() != values.size()) reject("invalid_params", "unknown parameters for " + std::string(s.kind()));
  if (const std::string why = s.invalid_reason(values); !why.empty()) reject("invalid_params", why);
  return values;
}

nlohmann::json model_summary(const Deployment& d) {
  const ModelArtifact& m = *d.model;
  return {{"version", d.version},
          {"strategy", "model:" + m.kind},
          {"mode", m.signal.rule},
          {"symbol", d.symbol},
          {"params", d.params_json},
          {"size", d.size},
          {"cost_per_unit", d.cost_per_unit},
          {"approver", d.approver},
          {"record_sha256", d.record_sha256}};
}

//! The artifact's trading part (symbols, cost, size), shared by strategies and models.
void read_trading(const nlohmann::json& art, Deployment& d) {
  using T = nlohmann::json::value_t;
  const auto& symbols = member(art, "symbols", T::array, "artifact");
  if (symbols.size() != 1 || !symbols[0].is_string() || symbols[0].get<std::string>().empty())
    reject("invalid_params",
           "a deployment trades exactly one symbol (artifact.symbols has " + std::to_string(symbols.size()) + ")");
  d.symbol = symbols[0].get<std::string>();
  d.cost_per_unit = member(art, "cost_per_unit", T::number_float, "artifact").get<double>();
  d.size = member(art, "size", T::number_float, "artifact").get<double>();
  if (!std::isfinite(d.cost_per_unit) || d.cost_per_unit < 0 || d.cost_per_unit > 1)
    reject("invalid_params", "cost_per_unit must be in [0, 1]");
  if (!std::isfinite(d.size) || d.size <= 0) reject("invalid_params", "size must be > 0");
}

//! A `model` artifact: the model and its rule instead of a strategy and parameters.
void read_model(const nlohmann::json& record, const nlohmann::json& art, Deployment& d) {
  using T = nlohmann::json::value_t;
  const auto& evidence = member(record, "evidence", T::object, "record");
  auto model = std::make_shared<ModelArtifact>(parse_model_artifact(art, evidence));
  d.mode = model->signal.rule == "long_flat" ? kernels::PositionMode::kLongFlat : kernels::PositionMode::kLongShort;
  d.params_json = art.contains("hyper_params") ? art["hyper_params"] : nlohmann::json::object();
  read_trading(art, d);
  d.metrics =
      evidence.contains("metrics") ? member(evidence, "metrics", T::object, "evidence") : nlohmann::json::object();
  d.model = std::move(model);
}

}  // namespace

nlohmann::json Deployment::summary() const {
  if (model) return model_summary(*this);
  return {{"version", version},
          {"strategy", std::string(strategy->kind())},
          {"mode", mode == kernels::PositionMode::kLongFlat ? "long_flat" : "long_short"},
          {"symbol", symbol},
          {"params", params_json},
          {"size", size},
          {"cost_per_unit", cost_per_unit},
          {"approver", approver},
          {"record_sha256", record_sha256}};
}

Deployment parse_deployment(const nlohmann::json& record, const std::string& record_text) {
  using T = nlohmann::json::value_t;
  Deployment d;
  d.record_text = record_text;
  d.record_sha256 = sha256_hex(record_text);
  const auto& version = member(record, "version", T::number_integer, "record");
  d.version = version.get<std::int64_t>();
  if (d.version <= 0) reject("bad_record", "record.version must be a positive integer");
  d.approver =
      member(member(record, "approver", T::object, "record"), "id", T::string, "record.approver").get<std::string>();
  const auto& art = member(record, "artifact", T::object, "record");
  const std::string type = member(art, "type", T::string, "artifact").get<std::string>();
  if (type == "model") {
    read_model(record, art, d);
    return d;
  }
  if (type != "strategy_params") reject("unsupported_artifact", "unknown artifact type '" + type + "'");
  const std::string kind = member(art, "strategy", T::string, "artifact").get<std::string>();
  d.strategy = kernels::find_strategy(kind);
  if (d.strategy == nullptr) reject("unknown_strategy", "unknown strategy kind '" + kind + "'");
  const std::string mode = member(art, "mode", T::string, "artifact").get<std::string>();
  if (mode != "long_flat" && mode != "long_short")
    reject("invalid_params", "mode must be long_flat or long_short, not '" + mode + "'");
  d.mode = mode == "long_flat" ? kernels::PositionMode::kLongFlat : kernels::PositionMode::kLongShort;
  const auto& symbols = member(art, "symbols", T::array, "artifact");
  if (symbols.size() != 1 || !symbols[0].is_string() || symbols[0].get<std::string>().empty())
    reject("invalid_params",
           "a deployment trades exactly one symbol (artifact.symbols has " + std::to_string(symbols.size()) + ")");
  d.symbol = symbols[0].get<std::string>();
  d.params_json = member(art, "params", T::object, "artifact");
  d.params = read_params(*d.strategy, d.params_json);
  d.cost_per_unit = member(art, "cost_per_unit", T::number_float, "artifact").get<double>();
  d.size = member(art, "size", T::number_float, "artifact").get<double>();
  if (!std::isfinite(d.cost_per_unit) || d.cost_per_unit < 0 || d.cost_per_unit > 1)
    reject("invalid_params", "cost_per_unit must be in [0, 1]");
  if (!std::isfinite(d.size) || d.size <= 0) reject("invalid_params", "size must be > 0");
  const auto& evidence = member(record, "evidence", T::object, "record");
  d.metrics = member(evidence, "metrics", T::object, "evidence");
  if (evidence.contains("overfitting")) d.overfitting = member(evidence, "overfitting", T::object, "evidence");
  return d;
}

}  // namespace qg::live
