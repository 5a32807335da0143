#pragma once
// Shared helpers of the live-node tests: a temp dir, keys, configs, signed records, synthetic
// bars and a sink that records events.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "qg/live/approval.hpp"
#include "qg/live/event_sink.hpp"
#include "qg/live/feed_bar.hpp"
#include "qg/live/keys.hpp"
#include "qg/live/live_config.hpp"
#include "qg/kernels/synthetic.hpp"
#include "qg_testing/temp_dir.hpp"

namespace qg::live::testing {

using ::qg::testing::TempDir;

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

//! Records every event; thread-safe so a test thread can read while the node's thread writes.
class RecordingSink final : public EventSink {
 public:
  struct Event {
    std::string type;
    nlohmann::json body;
  };
  void publish(const std::string& type, const nlohmann::json& body) noexcept override {
    std::lock_guard lock(mu_);
    events_.push_back({type, body});
  }
  std::vector<Event> of(const std::string& type) const {
    std::lock_guard lock(mu_);
    std::vector<Event> out;
    for (const auto& e : events_)
      if (e.type == type) out.push_back(e);
    return out;
  }
  std::vector<Event> all() const {
    std::lock_guard lock(mu_);
    return events_;
  }
  void clear() {
    std::lock_guard lock(mu_);
    events_.clear();
  }

 private:
  mutable std::mutex mu_;
  std::vector<Event> events_;
};

//! Keys of one test world: an approver (Ed25519 + CURVE), a stranger approver, the node.
struct Keys {
  explicit Keys(const std::filesystem::path& dir) {
    generate_keys(dir / "approver", false, false);
    generate_keys(dir / "stranger", false, false);
    generate_keys(dir / "node", true, false);
    approver = load_signing_key(dir / "approver");
    stranger = load_signing_key(dir / "stranger");
    approver_curve = load_curve_keypair(dir / "approver");
    stranger_curve = load_curve_keypair(dir / "stranger");
    node_curve = load_curve_keypair(dir / "node");
    node_prefix = (dir / "node").string();
  }
  SigningKey approver, stranger;
  CurveKeyPair approver_curve, stranger_curve, node_curve;
  std::string node_prefix;
};

//! A permissive config over `dir`: the approver is allowed, guardrails are wide, no fsync.
inline LiveConfig make_config(const std::filesystem::path& dir, const Keys& keys) {
  LiveConfig c;
  c.control = "tcp://127.0.0.1:*";
  c.feed = "tcp://127.0.0.1:*";
  c.events = "tcp://127.0.0.1:*";
  c.state_dir = dir / "state";
  c.server_key = keys.node_prefix;
  c.allowed_clients = {keys.approver_curve.public_z85};
  c.approvers = {{"alice", keys.approver.public_hex}};
  c.guardrails.min_sharpe = -100;
  c.guardrails.max_drawdown = 1.0;
  c.guardrails.max_position = 1.0;
  c.guardrails.max_daily_loss = 1.0;
  c.limits.fsync = false;
  c.limits.poll_ms = 10;
  c.limits.heartbeat_ms = 50;
  return c;
}

//! A valid draft: sma_crossover(fast, slow) long_short on SYM, good metrics, valid 1 hour.
inline ApprovalDraft make_draft(std::int64_t version, double fast = 5, double slow = 20,
                                const std::string& symbol = "SYM") {
  ApprovalDraft d;
  d.strategy = "sma_crossover";
  d.mode = "long_short";
  d.symbol = symbol;
  d.params = {{"fast", fast}, {"slow", slow}};
  d.cost_per_unit = 3e-4;
  d.size = 1.0;
  d.run_file = "run.h5";
  d.run_sha256 = std::string(64, 'a');
  d.results_digest = std::string(64, 'b');
  d.spec_sha256 = std::string(64, 'c');
  d.data_sha256 = std::string(64, 'd');
  d.job_name = "test";
  d.selected_by = "highest sharpe";
  d.metrics = {{"sharpe", 1.2}, {"max_drawdown", 0.15}, {"total_return", 0.4}};
  d.approver_id = "alice";
  d.note = "reviewed";
  d.version = version;
  d.approved_at = now_unix();
  d.expires_at = d.approved_at + 3600;
  return d;
}

//! The signed bytes of a draft.
inline std::string signed_record(const ApprovalDraft& d, const SigningKey& key) {
  return encode_signed(build_approval(d, key));
}

inline std::string promote_request(const std::string& record) {
  return nlohmann::json{{"op", "promote"}, {"record", record}}.dump();
}

//! `n` synthetic bars of one symbol, dates from 20200101 on (valid calendar days not needed
//! beyond YYYYMMDD shape: day-of-month steps 1..28, then the month advances).
inline std::vector<FeedBar> make_bars(const std::string& symbol, std::int64_t n, std::uint32_t stream = 0) {
  const auto s = kernels::generate_bars(7, stream, n);
  std::vector<FeedBar> bars;
  int y = 2000, m = 1, d = 1;
  for (std::int64_t i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    bars.push_back({symbol, y * 10000 + m * 100 + d, s.open[k], s.high[k], s.low[k], s.close[k], s.volume[k]});
    if (++d > 28) {
      d = 1;
      if (++m > 12) {
        m = 1;
        ++y;
      }
    }
  }
  return bars;
}

inline nlohmann::json parse(const std::string& reply) { return nlohmann::json::parse(reply); }

//! Sends `node` a promotion of sma_crossover(fast, slow) as `version`, signed by the approver;
//! true when the node accepts it.
template <class Node>
bool promote_sma(Node& node, const Keys& keys, std::int64_t version, double fast, double slow) {
  const std::string record = signed_record(make_draft(version, fast, slow), keys.approver);
  return parse(node.handle_request(promote_request(record), "t"))["ok"].template get<bool>();
}

}  // namespace qg::live::testing
