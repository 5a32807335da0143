#include "qg/live/state_codec.hpp"

#include <type_traits>

#include "qg/core/error.hpp"

namespace qg::live {
namespace {

constexpr const char* kStateFormat = "quantgrid-live-state";
constexpr const char* kDeploymentsFormat = "quantgrid-live-deployments";

//! obj[key], or DataError naming PATH.key.
const nlohmann::json& member(const nlohmann::json& obj, const std::string& key, const std::string& path) {
  const std::string where = path.empty() ? key : path + "." + key;
  if (!obj.is_object()) throw DataError((path.empty() ? std::string("state") : path) + ": expected an object");
  const auto it = obj.find(key);
  if (it == obj.end()) throw DataError(where + ": missing");
  return *it;
}

//! obj[key] as T, or DataError naming PATH.key and the type expected.
template <class T>
T field(const nlohmann::json& obj, const std::string& key, const std::string& path = "") {
  const nlohmann::json& v = member(obj, key, path);
  const std::string where = path.empty() ? key : path + "." + key;
  if constexpr (std::is_same_v<T, bool>) {
    if (!v.is_boolean()) throw DataError(where + ": expected true or false");
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!v.is_string()) throw DataError(where + ": expected text");
  } else if constexpr (std::is_integral_v<T>) {
    if (!v.is_number_integer()) throw DataError(where + ": expected an integer");
  } else {
    if (!v.is_number()) throw DataError(where + ": expected a number");
  }
  return v.get<T>();
}

void expect_format(const nlohmann::json& j, const char* format) {
  if (field<std::string>(j, "format") != format) throw DataError(std::string("format: expected ") + format);
}

SymbolBook decode_book(const nlohmann::json& b, const std::string& path) {
  return {field<std::int32_t>(b, "last_date", path), field<double>(b, "last_close", path),
          field<double>(b, "decided", path), field<double>(b, "decided_before", path),
          field<double>(b, "cost_rate", path)};
}

}  // namespace

nlohmann::json StateCodec::encode(const NodeState& s) {
  nlohmann::json books = nlohmann::json::object();
  for (const auto& [symbol, b] : s.books)
    books[symbol] = {{"last_date", b.last_date},
                     {"last_close", b.last_close},
                     {"decided", b.decided},
                     {"decided_before", b.decided_before},
                     {"cost_rate", b.cost_rate}};
  return {{"format", kStateFormat},
          {"halted", s.halted},
          {"halt_reason", s.halt_reason},
          {"books", books},
          {"pnl", s.totals.pnl},
          {"equity", s.totals.equity},
          {"day_date", s.totals.day_date},
          {"day_pnl", s.totals.day_pnl},
          {"bars", s.totals.bars},
          {"nonces", s.nonces},
          {"audit_head", s.audit_head},
          {"journal_bytes", s.journal_bytes ? nlohmann::json(*s.journal_bytes) : nlohmann::json(nullptr)}};
}

nlohmann::json StateCodec::encode(const DeploymentsState& d) {
  return {{"format", kDeploymentsFormat},
          {"deployments", d.records},
          {"active", d.active ? nlohmann::json(*d.active) : nlohmann::json(nullptr)},
          {"highest_version", d.highest_version}};
}

NodeState StateCodec::decode_state(const nlohmann::json& j) {
  expect_format(j, kStateFormat);
  NodeState s;
  s.halted = field<bool>(j, "halted");
  s.halt_reason = field<std::string>(j, "halt_reason");
  const nlohmann::json& books = member(j, "books", "");
  if (!books.is_object()) throw DataError("books: expected an object");
  for (const auto& [symbol, b] : books.items()) s.books[symbol] = decode_book(b, "books." + symbol);
  s.totals = {field<double>(j, "pnl"), field<double>(j, "equity"), field<std::int32_t>(j, "day_date"),
              field<double>(j, "day_pnl"), field<std::int64_t>(j, "bars")};
  const nlohmann::json& nonces = member(j, "nonces", "");
  if (!nonces.is_object()) throw DataError("nonces: expected an object");
  for (const auto& item : nonces.items()) s.nonces[item.key()] = field<std::int64_t>(nonces, item.key(), "nonces");
  s.audit_head = field<std::string>(j, "audit_head");
  if (j.contains("journal_bytes") && !j["journal_bytes"].is_null())
    s.journal_bytes = field<std::int64_t>(j, "journal_bytes");
  return s;
}

std::optional<std::string> StateCodec::audit_head(const std::optional<nlohmann::json>& state) {
  if (!state || !state->is_object() || !state->contains("audit_head") || !(*state)["audit_head"].is_string())
    return std::nullopt;
  return (*state)["audit_head"].get<std::string>();
}

DeploymentsState StateCodec::decode_deployments(const nlohmann::json& j) {
  expect_format(j, kDeploymentsFormat);
  DeploymentsState d;
  const nlohmann::json& records = member(j, "deployments", "");
  if (!records.is_array()) throw DataError("deployments: expected an array");
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (!records[i].is_string()) throw DataError("deployments[" + std::to_string(i) + "]: expected text");
    d.records.push_back(records[i].get<std::string>());
  }
  if (!member(j, "active", "").is_null()) d.active = field<std::string>(j, "active");
  d.highest_version = field<std::int64_t>(j, "highest_version");
  return d;
}

}  // namespace qg::live
