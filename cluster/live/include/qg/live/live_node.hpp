#pragma once
// The live node's logic without sockets: control requests in, replies out; feed bars in,
// events out; state, bar journal and audit log on disk. The ZeroMQ shell (LiveServer) only
// moves bytes. Single-threaded: the caller serialises all calls.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "qg/live/audit_log.hpp"
#include "qg/live/bar_journal.hpp"
#include "qg/live/deployment.hpp"
#include "qg/live/event_sink.hpp"
#include "qg/live/feed_bar.hpp"
#include "qg/live/live_config.hpp"
#include "qg/live/state_store.hpp"

namespace qg::live {

class LiveNode {
 public:
  //! Opens state_dir (creating it), restores the saved state and bar history, and continues
  //! the audit chain. Throws DataError when the audit chain or the state is unusable.
  LiveNode(LiveConfig config, EventSink& events);

  //! One control request (JSON {"op": ...}) from an authenticated client (its CURVE key, for
  //! the audit log). Always returns a reply {"ok", "code", "reason", ...}; never throws.
  std::string handle_request(std::string_view request, const std::string& client) noexcept;
  //! One feed message [SYMBOL, JSON]. Malformed, duplicate and out-of-order bars are refused
  //! with a rejection event. Returns whether the bar was processed. Never throws.
  bool on_feed_message(const std::vector<std::string>& frames) noexcept;
  //! Processes one bar: a pending deployment becomes active first (the bar boundary), then
  //! P&L over the bar, risk checks, the new signal and paper orders. Never throws.
  bool on_bar(const FeedBar& bar) noexcept;
  //! Publishes a heartbeat event (lets subscribers know the PUB link is up).
  void heartbeat() noexcept;
  //! The status reply's body.
  nlohmann::json status() const;
  const LiveConfig& config() const { return config_; }

 private:
  //! Per-symbol paper book and bar history. `decided` is the position decided at the last
  //! close (held over the next bar), `decided_before` the one decided a bar earlier.
  struct Book {
    std::int32_t last_date = 0;
    double last_close = 0.0;
    double decided = 0.0;
    double decided_before = 0.0;
    double cost_rate = 0.0;
    std::vector<double> high, low, close;
  };

  nlohmann::json dispatch(const nlohmann::json& request, const std::string& client);
  nlohmann::json promote(const nlohmann::json& request, const std::string& client);
  nlohmann::json rollback(const nlohmann::json& request, const std::string& client);
  nlohmann::json halt_request(const nlohmann::json& request, const std::string& client);
  nlohmann::json resume(const nlohmann::json& request, const std::string& client);
  nlohmann::json reject_reply(const Rejection& r, const nlohmann::json& context, const std::string& client);
  nlohmann::json check_command(const nlohmann::json& request, const std::string& action);
  void check_signer(const nlohmann::json& obj, std::string_view domain, const std::string& what);
  void check_guardrails(const Deployment& d) const;
  void refuse_bar(const std::string& code, const std::string& reason, const nlohmann::json& detail) noexcept;
  void activate_target(const FeedBar& at);
  void process_bar(Book& book, const FeedBar& bar);
  void decide(Book& book, const FeedBar& bar);
  double evaluate(const Book& book) const;
  void halt(const std::string& reason, const std::string& by);
  void set_position(const std::string& symbol, Book& book, double target, std::int32_t date, const char* why);
  nlohmann::json state_json() const;
  nlohmann::json deployments_json() const;
  void restore(const nlohmann::json& deployments, const nlohmann::json& state);
  //! Writes state.json, and deployments.json too when they changed.
  void save_state(bool deployments_changed = false);
  Deployment& target() { return deployments_.back(); }

  LiveConfig config_;
  EventSink& events_;
  StateStore store_;
  StateStore deployments_store_;
  BarJournal journal_;
  AuditLog audit_;
  std::map<std::string, Book> books_;
  std::vector<Deployment> deployments_;  // accepted, oldest first; back() is the target
  std::optional<Deployment> active_;     // what the node trades with now
  std::int64_t highest_version_ = 0;
  bool halted_ = false;
  std::string halt_reason_;
  double pnl_ = 0.0;     // sum of net P&L over all bars
  double equity_ = 1.0;  // product of (1 + net)
  std::int32_t day_date_ = 0;
  double day_pnl_ = 0.0;
  std::int64_t bars_ = 0;
  std::int64_t feed_rejections_ = 0;
  std::int64_t control_rejections_ = 0;
  std::map<std::string, std::int64_t> nonces_;  // signed-command nonces seen, with issue time
};

}  // namespace qg::live
