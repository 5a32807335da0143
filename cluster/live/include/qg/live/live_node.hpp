#pragma once
// The live node's logic without sockets: control requests in, replies out; feed bars in,
// events out; state, bar journal and audit log on disk. The ZeroMQ shell (LiveServer) only
// moves bytes. Single-threaded: the caller serialises all calls.
//
// Durability: every accepted bar is appended to the bar journal (the write-ahead log) before it
// is processed; state.json is a checkpoint written after every control decision, on a
// deployment's activation, every limits.checkpoint_bars bars or limits.checkpoint_ms ms, and on
// shutdown. It records the journal's length, and a restarted node replays the bars after it.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
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
  //! the journaled bars, replays the bars journaled after the state's checkpoint (no events are
  //! published for them), and continues the audit chain. Throws DataError when the audit chain
  //! or the state is unusable.
  LiveNode(LiveConfig config, EventSink& events);
  //! Writes a last checkpoint.
  ~LiveNode();
  LiveNode(const LiveNode&) = delete;
  LiveNode& operator=(const LiveNode&) = delete;

  //! One control request (JSON {"op": ...}) from an authenticated client (its CURVE key, for
  //! the audit log). Always returns a reply {"ok", "code", "reason", ...}; never throws.
  std::string handle_request(std::string_view request, const std::string& client) noexcept;
  //! One feed message [SYMBOL, JSON]. Malformed, duplicate and out-of-order bars are refused
  //! with a rejection event. Returns whether the bar was processed. Never throws.
  bool on_feed_message(const std::vector<std::string>& frames) noexcept;
  //! Several feed messages in arrival order: the same checks, events and state as
  //! on_feed_message on each in turn, but the accepted bars are journaled by one write (and
  //! one fsync) before the first of them is processed. Returns how many were processed.
  std::size_t on_feed_messages(std::span<const std::vector<std::string>> messages) noexcept;
  //! Processes one bar: a pending deployment becomes active first (the bar boundary), then
  //! P&L over the bar, risk checks, the new signal and paper orders. Never throws.
  bool on_bar(const FeedBar& bar) noexcept;
  //! Publishes a heartbeat event (lets subscribers know the PUB link is up).
  void heartbeat() noexcept;
  //! Writes state.json now (the shutdown checkpoint). Never throws: a failure is logged, and a
  //! restart replays the journal from the previous checkpoint.
  void checkpoint() noexcept;
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
  //! Why a feed message is refused: the rejection event's code, reason and fields.
  struct BarRefusal {
    std::string code, reason;
    nlohmann::json detail;
  };
  //! A checked feed message: the bar when accepted, else why not.
  struct FeedItem {
    std::optional<FeedBar> bar;
    BarRefusal refusal;
  };
  //! The bars of a batch accepted before the one being checked (not yet processed).
  struct BatchDates {
    std::map<std::string, std::int32_t> last_dates;
    std::size_t new_symbols = 0;
  };
  //! Size, frames, fields and admission of one message, as if the batch's earlier bars were
  //! processed; an accepted bar is added to `batch` when `more_follow`.
  FeedItem check_message(const std::vector<std::string>& frames, BatchDates& batch, bool more_follow) const;
  //! A message's bar, or why it is malformed (over max_message_bytes, frames that do not decode).
  FeedItem decode_message(const std::vector<std::string>& frames) const;
  //! Journals the accepted bars of `items` by one write, then processes them and reports the
  //! refused ones, in arrival order. Returns how many bars were processed.
  std::size_t journal_and_apply(const std::vector<FeedItem>& items);
  bool apply_journaled(const FeedBar& bar) noexcept;
  //! Why `bar` may not be processed (new symbol beyond max_symbols, date not after the
  //! symbol's last, counting the batch's earlier bars), or nothing when it may.
  std::optional<BarRefusal> admission(const FeedBar& bar, const BatchDates& batch) const;
  //! Whether `bar` may be processed (new symbol within max_symbols, date after the symbol's
  //! last); refuses it with a rejection event when not.
  bool admissible(const FeedBar& bar) noexcept;
  //! Processes a journaled bar: activation at the bar boundary, the bar, a checkpoint when due.
  void apply_bar(const FeedBar& bar);
  //! Processes the bars journaled after byte `from` (cutting a torn last line); returns how many.
  std::size_t replay_journal(std::int64_t from);
  bool checkpoint_due() const;
  //! Publishes an event, except while the journal is replayed (those were published before).
  void publish(const std::string& type, const nlohmann::json& body);
  //! The same for a body written as text (EventText): the per-bar events.
  void publish_text(const std::string& type, const std::string& body);
  void activate_target(const FeedBar& at);
  void warm_up_active();
  void process_bar(const FeedBar& bar);
  void decide(const FeedBar& bar);
  double capped(double wanted, const FeedBar& bar);
  void halt(const std::string& reason, const std::string& by);
  void publish_fill(const PaperFill& fill, const char* why);
  //! Returns the journal length the state was checkpointed at (nullopt: an older state, which
  //! holds every journaled bar).
  std::optional<std::int64_t> restore(const std::optional<nlohmann::json>& deployments,
                                      const std::optional<nlohmann::json>& state);
  //! Writes state.json (a checkpoint), and deployments.json too when they changed. Skipped
  //! while replaying: the constructor checkpoints once the replay is done.
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
  bool replaying_ = false;
  std::int64_t bars_since_checkpoint_ = 0;
  std::int64_t journal_processed_ = 0;  // journal bytes up to the last processed bar (what a checkpoint records)
  std::chrono::steady_clock::time_point last_checkpoint_;
};

}  // namespace qg::live
