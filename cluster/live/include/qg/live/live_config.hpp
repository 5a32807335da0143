#pragma once
// The live node's configuration (cluster/live/example.yaml documents every field). Timeouts
// and limits have defaults here and are never literals in the node.
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace qg::live {

//! An approver allowed to sign approvals and commands.
struct ApproverEntry {
  std::string id;
  std::string public_hex;  // Ed25519, 64 hex digits
};

//! Checked on every promotion (evidence metrics and artifact) and while trading.
struct Guardrails {
  double min_sharpe = 0.0;              // evidence.metrics.sharpe must be >= this
  double max_drawdown = 0.5;            // evidence.metrics.max_drawdown must be <= this
  std::optional<double> min_trades;     // evidence.metrics.trades must be >= this; unset: not checked
  std::optional<double> min_dsr;        // evidence.overfitting.dsr must be >= this; unset: not checked
  std::optional<double> max_pbo;        // evidence.overfitting.pbo must be <= this; unset: not checked
  std::optional<double> min_cv_score;   // models: evidence.cv.score >= this (<= for mse, log_loss); unset: not checked
  double max_position = 1.0;            // |size| of a deployment, and |position| while trading
  double max_daily_loss = 0.1;          // a date's summed net P&L below -this halts the node
  std::vector<std::string> strategies;  // allowed strategy kinds; empty = every known kind
};

//! Timeouts, sizes and durability knobs.
struct LiveLimits {
  int poll_ms = 50;                        // longest wait of the event loop
  int heartbeat_ms = 1000;                 // period of "heartbeat" events
  int command_max_age_s = 300;             // signed commands older (or newer) than this are refused
  int max_message_bytes = 1 << 20;         // larger control or feed messages are refused
  std::size_t max_history_bars = 1000000;  // bars kept per symbol for the strategy
  std::size_t max_deployments = 32;        // deployments kept for rollback
  int max_messages_per_poll = 256;         // fairness between control and feed
  std::size_t max_symbols = 10000;         // distinct feed symbols tracked; more are refused
  bool fsync = true;                       // fsync state, bar journal and audit log writes
  std::int64_t checkpoint_bars = 10000;    // state.json is written at least every this many bars
  int checkpoint_ms = 1000;                // ... and at least this often while bars arrive
};

struct LiveConfig {
  std::string control = "tcp://127.0.0.1:5555";  // ROUTER, CURVE server
  std::string feed = "tcp://127.0.0.1:5556";     // SUB, bound; replayers connect
  std::string events = "tcp://127.0.0.1:5557";   // PUB, bound
  std::filesystem::path state_dir = "live-state";
  std::string server_key;                    // key prefix of the node's CURVE pair
  std::vector<std::string> allowed_clients;  // CURVE public keys (Z85) of control clients
  std::vector<ApproverEntry> approvers;
  Guardrails guardrails;
  LiveLimits limits;
};

//! Reads a YAML config. Key files named in it are resolved (relative paths from the working
//! directory). Throws ConfigError "FILE:LINE: what" on a bad or missing field.
LiveConfig load_live_config(const std::filesystem::path& path);

}  // namespace qg::live
