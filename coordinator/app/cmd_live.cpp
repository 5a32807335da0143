// `quantgrid live` (the node and its control client), `quantgrid promote`, `quantgrid keys
// generate` and the sending half of `quantgrid feed replay` (the binary reads the store:
// cmd_feed.cpp): the commands of the live link, built into the live module (quantgrid_live.so,
// live_module.hpp) with ZeroMQ rather than into the binary.
#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "qg/live/approval.hpp"
#include "qg/live/audit_log.hpp"
#include "qg/live/control_client.hpp"
#include "qg/live/curve_keys.hpp"
#include "qg/live/feed_replayer.hpp"
#include "qg/live/live_server.hpp"
#include "qg/live/state_codec.hpp"
#include "qg/live/state_store.hpp"
#include "qg/cluster/log.hpp"
#include "qg/core/error.hpp"
#include "qg/core/market_data.hpp"

namespace qg::app {
namespace {

std::atomic<bool> g_stop{false};  // set by SIGINT/SIGTERM; the node's loop polls it

extern "C" void on_stop_signal(int) { g_stop.store(true); }

live::ClientOptions client_options(const LiveClientArgs& a) {
  live::ClientOptions o;
  o.endpoint = a.live;
  o.server_key = live::resolve_curve_public(a.server_key);
  o.client = live::load_curve_keypair(a.key);
  o.timeout_s = a.timeout;
  return o;
}

std::string approver_id(const LiveClientArgs& a) {
  return a.approver.empty() ? std::filesystem::path(a.key).filename().string() : a.approver;
}

//! Prints a reply; the exit code says whether the node accepted.
int print_reply(const nlohmann::json& reply, bool json) {
  if (json) {
    std::cout << reply.dump(2) << "\n";
  } else {
    std::cout << (reply.value("ok", false) ? "accepted" : "REJECTED (" + reply.value("code", "?") + ")") << ": "
              << reply.value("reason", "") << "\n";
  }
  return reply.value("ok", false) ? kExitOk : kExitRejected;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path + ": cannot read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void print_status(const nlohmann::json& s) {
  auto deployment = [](const nlohmann::json& d) {
    if (d.is_null()) return std::string("none");
    std::string text = "version " + std::to_string(d["version"].get<std::int64_t>()) + " " +
                       d["strategy"].get<std::string>() + " " + d["mode"].get<std::string>() + " on " +
                       d["symbol"].get<std::string>() + " " + d["params"].dump() + " by " +
                       d["approver"].get<std::string>();
    return text;
  };
  std::cout << "active:   " << deployment(s["active"]) << "\n";
  if (s["pending"].get<bool>()) std::cout << "pending:  " << deployment(s["target"]) << " (from the next bar)\n";
  std::cout << "state:    " << (s["halted"].get<bool>() ? "HALTED: " + s["halt_reason"].get<std::string>() : "trading")
            << "\n";
  for (const auto& [symbol, p] : s["positions"].items())
    std::cout << "position: " << symbol << " " << p["position"].get<double>() << " (last bar " << p["last_date"]
              << ", close " << p["last_close"].get<double>() << ")\n";
  std::cout << "pnl:      " << s["pnl"].get<double>() << " (equity " << s["equity"].get<double>() << ", day "
            << s["day"]["date"] << ": " << s["day"]["pnl"].get<double>() << ")\n";
  std::cout << "bars:     " << s["bars"] << " processed, " << s["feed_rejections"] << " feed rejections, "
            << s["control_rejections"] << " control rejections\n";
  std::cout << "audit:    " << s["audit"]["records"] << " records, head " << s["audit"]["head"].get<std::string>()
            << "\n";
}

}  // namespace

int cmd_keys_generate(const KeysArgs& args) {
  const auto paths = live::generate_keys(args.out, args.curve_only, args.force);
  for (std::size_t i = args.curve_only ? 2 : 0; i < paths.size(); ++i)
    std::cout << "wrote " << paths[i].string() << "\n";
  return kExitOk;
}

int cmd_live_run(const LiveArgs& args) {
  cluster::init_logging(0, 1, "live", args.log_level);
  const live::LiveConfig config = live::load_live_config(args.config);
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  live::LiveServer server(config);
  std::cout << "control " << server.control_endpoint() << "\nfeed " << server.feed_endpoint() << "\nevents "
            << server.events_endpoint() << std::endl;
  server.run(g_stop, args.run_for);
  spdlog::info("live node stopped");
  return kExitOk;
}

int cmd_promote(const PromoteArgs& args) {
  const std::string text = read_file(args.record);
  const nlohmann::json reply =
      live::control_request(client_options(args.client), {{"op", "promote"}, {"record", text}});
  return print_reply(reply, args.client.json);
}

int cmd_live_status(const LiveClientArgs& args) {
  const nlohmann::json reply = live::control_request(client_options(args), {{"op", "status"}});
  if (args.json || !reply.value("ok", false) || !reply.contains("status")) return print_reply(reply, true);
  print_status(reply["status"]);
  return kExitOk;
}

int cmd_live_halt(const LiveClientArgs& args) {
  nlohmann::json request = {{"op", "halt"}};
  if (!args.reason.empty()) request["reason"] = args.reason;
  return print_reply(live::control_request(client_options(args), request), args.json);
}

int cmd_live_rollback(const LiveClientArgs& args) {
  const auto options = client_options(args);
  const live::SigningKey key = live::load_signing_key(args.key);
  const nlohmann::json status = live::control_request(options, {{"op", "status"}});
  if (!status.value("ok", false)) return print_reply(status, args.json);
  const auto& target = status["status"]["target"];
  if (target.is_null()) throw ConfigError("live rollback: the node has no deployment to roll back");
  const nlohmann::json cmd =
      live::build_command("rollback", {{"from_version", target["version"]}}, approver_id(args), key, now_unix());
  return print_reply(live::control_request(options, {{"op", "rollback"}, {"command", live::encode_signed(cmd)}}),
                     args.json);
}

int cmd_live_resume(const LiveClientArgs& args) {
  const live::SigningKey key = live::load_signing_key(args.key);
  const nlohmann::json cmd =
      live::build_command("resume", nlohmann::json::object(), approver_id(args), key, now_unix());
  return print_reply(
      live::control_request(client_options(args), {{"op", "resume"}, {"command", live::encode_signed(cmd)}}),
      args.json);
}

namespace {

//! The head a log must reach: --head, else state.json's `audit_head` in --state-dir or the log's
//! folder (read before the log, so a node appending meanwhile cannot make it look cut short).
std::optional<std::string> expected_audit_head(const AuditVerifyArgs& args, std::string& source) {
  if (!args.head.empty()) {
    if (args.head.size() != 64 || args.head.find_first_not_of("0123456789abcdef") != std::string::npos)
      throw ConfigError("--head: expected 64 lowercase hex digits, got '" + args.head + "'");
    source = "--head";
    return args.head;
  }
  const std::filesystem::path dir =
      args.state_dir.empty() ? std::filesystem::path(args.file).parent_path() : std::filesystem::path(args.state_dir);
  live::StateStore state(dir.empty() ? "." : dir, "state.json", false);
  if (!std::filesystem::exists(state.path())) {
    if (!args.state_dir.empty()) throw IoError(state.path().string() + ": no such file");
    return std::nullopt;
  }
  source = state.path().string();
  const auto head = live::StateCodec::audit_head(state.load());
  if (!head) throw DataError(state.path().string() + ": has no audit_head");
  return head;
}

}  // namespace

int cmd_live_audit_verify(const AuditVerifyArgs& args) {
  std::string source;
  const auto expected = expected_audit_head(args, source);
  const live::AuditCheck check = live::verify_audit_file(args.file, expected);
  if (!check.ok) {
    std::cout << args.file << ": BROKEN " << (check.bad_line > 0 ? "at " : "(checked against " + source + "): ")
              << check.message << "\n";
    return kExitData;
  }
  std::cout << args.file << ": OK, " << check.records << " records, head " << check.head;
  if (expected) std::cout << "; reaches the head in " << source << " at record " << check.head_at;
  std::cout << "\n";
  return kExitOk;
}

int cmd_feed_send(const FeedArgs& args, const MarketData& data) {
  const auto bars = live::interleave_bars(data);
  live::ReplayOptions options;
  options.endpoint = args.to;
  options.speed = args.speed;
  options.wait_s = args.wait;
  spdlog::info("replaying {} bars from {} to {} at {}", bars.size(), args.store, args.to,
               args.speed > 0 ? std::to_string(args.speed) + " bars/s" : std::string("full speed"));
  const auto stats = live::replay_bars(bars, options);
  std::cout << "sent " << stats.bars << " bars in " << stats.seconds << " s\n";
  return kExitOk;
}

}  // namespace qg::app
