#pragma once
// The live node's logic without sockets: control requests in, replies out; feed bars in,
// events out; state, bar journal and audit log on disk. The ZeroMQ shell (LiveServer) only
// moves bytes. Single-threaded: the caller serialises all calls.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "qg/live/audit_log.hpp"
#include "qg/live/authorizer.hpp"
#include "qg/live/bar_journal.hpp"
#include "qg/live/decision.hpp"
#include "qg/live/deployment.hpp"
#include "qg/live/event_sink.hpp"
#include "qg/live/feed_bar.hpp"
#include "qg/live/live_config.hpp"
#include "qg/live/paper_book.hpp"
#include "qg/live/state_store.hpp"

namespace qg::live {

//! Orchestration only: requests are checked by the Authorizer, bars are booked and evaluated by
//! the PaperBook, state files go through the StateCodec; the node decides what happens in
//! which order and emits the replies, events and audit records.
class LiveNode {
 public:
  //! Opens state_dir (creating it), restores the saved state, warms the active strategy up on
  //! the journaled bars, and continues the audit chain. Throws DataError when the audit chain
  //! or the state is unusable.
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
  using Reply = Decision<nlohmann::json>;

  Reply parse_and_dispatch(std::string_view bytes, const std::string& client, nlohmann::json& context);
  Reply dispatch(const nlohmann::json& request, const std::string& client);
  Reply promote(const nlohmann::json& request, const std::string& client);
  Reply rollback(const nlohmann::json& request, const std::string& client);
  Reply halt_request(const nlohmann::json& request, const std::string& client);
  Reply resume(const nlohmann::json& request, const std::string& client);
  nlohmann::json reject_reply(const Rejection& r, const nlohmann::json& context, const std::string& client);
  void refuse_bar(const std::string& code, const std::string& reason, const nlohmann::json& detail) noexcept;
  void activate_target(const FeedBar& at);
  void warm_up_active();
  void process_bar(const FeedBar& bar);
  void decide(const FeedBar& bar);
  double capped(double wanted, const FeedBar& bar);
  void halt(const std::string& reason, const std::string& by);
  void publish_fill(const PaperFill& fill, const char* why);
  void restore(const std::optional<nlohmann::json>& deployments, const std::optional<nlohmann::json>& state);
  //! Writes state.json, and deployments.json too when they changed.
  void save_state(bool deployments_changed = false);
  bool pending() const;
  Deployment& target() { return deployments_.back(); }

  LiveConfig config_;
  EventSink& events_;
  StateStore store_;
  StateStore deployments_store_;
  BarJournal journal_;
  AuditLog audit_;
  Authorizer authorizer_;
  PaperBook paper_;
  std::vector<Deployment> deployments_;  // accepted, oldest first; back() is the target
  std::optional<Deployment> active_;     // what the node trades with now
  std::int64_t highest_version_ = 0;
  bool halted_ = false;
  std::string halt_reason_;
  std::int64_t feed_rejections_ = 0;
  std::int64_t control_rejections_ = 0;
};

}  // namespace qg::live
