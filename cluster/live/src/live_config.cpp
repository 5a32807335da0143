#include "qg/live/live_config.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <optional>
#include <set>

#include "qg/live/keys.hpp"
#include "qg/core/error.hpp"

namespace qg::live {
namespace {

//! Reads YAML fields with messages that name the file and line.
class Reader {
 public:
  explicit Reader(std::filesystem::path file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& what) const {
    std::string message = file_.string();
    if (const int line = node.Mark().line; line >= 0) message.append(":").append(std::to_string(line + 1));
    message.append(": ").append(what);
    throw ConfigError(message);
  }

  void check_keys(const YAML::Node& map, const std::string& where, const std::set<std::string>& known) const {
    if (!map.IsMap()) fail(map, where + " must be a mapping");
    for (const auto& kv : map) {
      const auto key = kv.first.as<std::string>();
      if (!known.contains(key)) fail(kv.first, "unknown key '" + key + "' in " + where);
    }
  }

  template <typename T>
  void read(const YAML::Node& map, const char* key, T& out) const {
    const YAML::Node node = map[key];
    if (!node) return;
    try {
      out = node.as<T>();
    } catch (const YAML::Exception&) {
      fail(node, std::string(key) + ": wrong type");
    }
  }

 private:
  std::filesystem::path file_;
};

//! An optional guardrail on a probability (DSR, PBO): absent leaves `out` unset; present, it
//! must be a number in [0, 1].
void read_probability(const Reader& r, const YAML::Node& g, const char* key, std::optional<double>& out) {
  const YAML::Node node = g[key];
  if (!node) return;
  double value = 0.0;
  r.read(g, key, value);
  if (!(value >= 0.0 && value <= 1.0))
    r.fail(node, std::string("guardrails.") + key + " must be in [0, 1] (leave it out to not check it)");
  out = value;
}

//! An optional guardrail on a count (trades): absent leaves `out` unset; present, a number >= 0.
void read_count(const Reader& r, const YAML::Node& g, const char* key, std::optional<double>& out) {
  const YAML::Node node = g[key];
  if (!node) return;
  double value = 0.0;
  r.read(g, key, value);
  if (!(value >= 0.0)) r.fail(node, std::string("guardrails.") + key + " must be >= 0 (leave it out to not check it)");
  out = value;
}

//! guardrails.min_cv_score: absent leaves it unset; present, a finite number.
void read_cv_score(const Reader& r, const YAML::Node& g, std::optional<double>& out) {
  const YAML::Node node = g["min_cv_score"];
  if (!node) return;
  double value = 0.0;
  r.read(g, "min_cv_score", value);
  if (!std::isfinite(value)) r.fail(node, "guardrails.min_cv_score must be a finite number");
  out = value;
}

void read_guardrails(const Reader& r, const YAML::Node& g, Guardrails& out) {
  r.check_keys(g, "guardrails",
               {"min_sharpe", "max_drawdown", "min_trades", "min_dsr", "max_pbo", "max_position", "max_daily_loss",
                "strategies", "min_cv_score"});
  r.read(g, "min_sharpe", out.min_sharpe);
  r.read(g, "max_drawdown", out.max_drawdown);
  read_count(r, g, "min_trades", out.min_trades);
  read_probability(r, g, "min_dsr", out.min_dsr);
  read_probability(r, g, "max_pbo", out.max_pbo);
  r.read(g, "max_position", out.max_position);
  r.read(g, "max_daily_loss", out.max_daily_loss);
  r.read(g, "strategies", out.strategies);
  read_cv_score(r, g, out.min_cv_score);
  if (!(out.max_position > 0)) r.fail(g, "guardrails.max_position must be > 0");
  if (!(out.max_daily_loss > 0)) r.fail(g, "guardrails.max_daily_loss must be > 0");
}

void read_limits(const Reader& r, const YAML::Node& l, LiveLimits& out) {
  r.check_keys(
      l, "limits",
      {"poll_ms", "heartbeat_ms", "command_max_age_s", "max_message_bytes", "max_history_bars", "max_deployments",
       "max_messages_per_poll", "max_symbols", "fsync", "checkpoint_bars", "checkpoint_ms"});
  r.read(l, "poll_ms", out.poll_ms);
  r.read(l, "heartbeat_ms", out.heartbeat_ms);
  r.read(l, "command_max_age_s", out.command_max_age_s);
  r.read(l, "max_message_bytes", out.max_message_bytes);
  r.read(l, "max_history_bars", out.max_history_bars);
  r.read(l, "max_deployments", out.max_deployments);
  r.read(l, "max_messages_per_poll", out.max_messages_per_poll);
  r.read(l, "max_symbols", out.max_symbols);
  r.read(l, "fsync", out.fsync);
  r.read(l, "checkpoint_bars", out.checkpoint_bars);
  r.read(l, "checkpoint_ms", out.checkpoint_ms);
  if (out.poll_ms < 1 || out.heartbeat_ms < 1 || out.command_max_age_s < 1 || out.max_message_bytes < 1024 ||
      out.max_history_bars < 2 || out.max_deployments < 2 || out.max_messages_per_poll < 1 || out.checkpoint_bars < 1 ||
      out.checkpoint_ms < 1)
    r.fail(l,
           "limits: poll_ms, heartbeat_ms, command_max_age_s, max_messages_per_poll, checkpoint_bars, checkpoint_ms "
           ">= 1; max_message_bytes >= 1024; max_history_bars, max_deployments >= 2");
}

void read_node(const Reader& r, const YAML::Node& n, LiveConfig& out) {
  r.check_keys(n, "node", {"control", "feed", "events", "state_dir", "server_key", "allowed_clients", "approvers"});
  r.read(n, "control", out.control);
  r.read(n, "feed", out.feed);
  r.read(n, "events", out.events);
  std::string state_dir = out.state_dir.string();
  r.read(n, "state_dir", state_dir);
  out.state_dir = state_dir;
  if (!n["server_key"]) r.fail(n, "node.server_key is required (prefix of the node's CURVE key files)");
  r.read(n, "server_key", out.server_key);
  std::vector<std::string> clients;
  r.read(n, "allowed_clients", clients);
  for (std::size_t i = 0; i < clients.size(); ++i) {
    try {
      out.allowed_clients.push_back(resolve_curve_public(clients[i]));
    } catch (const Error& e) {
      r.fail(n["allowed_clients"][i], e.what());
    }
  }
  const YAML::Node approvers = n["approvers"];
  if (!approvers) return;
  if (!approvers.IsSequence()) r.fail(approvers, "node.approvers must be a list of {id, public_key}");
  for (const auto& a : approvers) {
    r.check_keys(a, "node.approvers entry", {"id", "public_key"});
    if (!a["id"] || !a["public_key"]) r.fail(a, "each approver needs id and public_key");
    try {
      out.approvers.push_back({a["id"].as<std::string>(), resolve_sign_public(a["public_key"].as<std::string>())});
    } catch (const Error& e) {
      r.fail(a, e.what());
    }
  }
}

}  // namespace

LiveConfig load_live_config(const std::filesystem::path& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path.string());
  } catch (const YAML::BadFile&) {
    throw ConfigError(path.string() + ": cannot read config file");
  } catch (const YAML::ParserException& e) {
    throw ConfigError(path.string() + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  const Reader r(path);
  LiveConfig config;
  r.check_keys(root, "the config", {"node", "guardrails", "limits"});
  if (!root["node"]) r.fail(root, "missing 'node' section");
  read_node(r, root["node"], config);
  if (root["guardrails"]) read_guardrails(r, root["guardrails"], config.guardrails);
  if (root["limits"]) read_limits(r, root["limits"], config.limits);
  return config;
}

}  // namespace qg::live
