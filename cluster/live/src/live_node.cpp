#include "qg/live/live_node.hpp"

#include <spdlog/spdlog.h>

#include <cmath>

#include "qg/core/error.hpp"
#include "qg/core/sha256.hpp"
#include "qg/core/time.hpp"
#include "qg/live/approval.hpp"
#include "qg/live/event_text.hpp"
#include "qg/live/state_codec.hpp"

namespace qg::live {
namespace {

nlohmann::json ok_reply(const std::string& reason) { return {{"ok", true}, {"code", "accepted"}, {"reason", reason}}; }

//! A deployment saved earlier: its record passed every check when it was accepted.
Deployment saved_deployment(const std::string& text) {
  try {
    return parse_deployment(decode_signed(text), text);
  } catch (const Rejection& r) {
    throw DataError("saved deployment refused: " + r.reason);
  }
}

}  // namespace

LiveNode::LiveNode(LiveConfig config, EventSink& events)
    : config_(std::move(config)),
      events_(events),
      store_(config_.state_dir, "state.json", config_.limits.fsync),
      deployments_store_(config_.state_dir, "deployments.json", config_.limits.fsync),
      journal_(config_.state_dir, config_.limits.fsync),
      audit_(config_.state_dir / "audit.jsonl", config_.limits.fsync, StateCodec::audit_head(store_.load())),
      authorizer_(config_) {
  const std::optional<std::int64_t> checkpointed = restore(deployments_store_.load(), store_.load());
  if (active_) warm_up_active();
  const std::size_t replayed = replay_journal(checkpointed.value_or(journal_.size()));
  journal_processed_ = journal_.size();  // every journaled bar is processed from here on
  const std::int64_t bars = paper_.totals().bars;
  audit_.append("node_started", {{"active", active_ ? nlohmann::json(active_->version) : nlohmann::json(nullptr)},
                                 {"halted", halted_},
                                 {"bars", bars}});
  save_state();  // the state's audit head now names node_started: cutting it off is caught too
  spdlog::info("live node ready: state in {}, {} bars restored ({} replayed from the journal), active version {}, {}",
               config_.state_dir.string(), bars, replayed, active_ ? std::to_string(active_->version) : "none",
               halted_ ? "HALTED" : "trading");
}

LiveNode::~LiveNode() { checkpoint(); }

// ---- control ----

std::string LiveNode::handle_request(std::string_view bytes, const std::string& client) noexcept {
  try {
    nlohmann::json context = {{"op", nullptr}};
    const Reply reply = parse_and_dispatch(bytes, client, context);
    return reply ? reply.value().dump() : reject_reply(reply.refusal(), context, client).dump();
  } catch (const Error& e) {
    spdlog::error("control request failed: {}", e.what());
    return nlohmann::json{{"ok", false}, {"code", "error"}, {"reason", e.what()}}.dump();
  } catch (const std::exception& e) {
    spdlog::error("control request failed (internal): {}", e.what());
    return nlohmann::json{{"ok", false}, {"code", "internal"}, {"reason", e.what()}}.dump();
  } catch (...) {
    return R"({"ok":false,"code":"internal","reason":"unknown failure"})";
  }
}

LiveNode::Reply LiveNode::parse_and_dispatch(std::string_view bytes, const std::string& client,
                                             nlohmann::json& context) {
  if (bytes.size() > static_cast<std::size_t>(config_.limits.max_message_bytes))
    return Reply::refuse("bad_request",
                         "request of " + std::to_string(bytes.size()) + " bytes exceeds max_message_bytes");
  const nlohmann::json request = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (request.is_discarded() || !request.is_object())
    return Reply::refuse("bad_request", "request is not a JSON object");
  const auto op = request.find("op");
  if (op == request.end() || !op->is_string()) return Reply::refuse("bad_request", "request needs \"op\" (text)");
  context["op"] = *op;
  if (const auto rec = request.find("record"); rec != request.end() && rec->is_string())
    context["record_sha256"] = sha256_hex(rec->get<std::string>());
  return dispatch(request, client);
}

LiveNode::Reply LiveNode::dispatch(const nlohmann::json& request, const std::string& client) {
  const std::string op = request["op"].get<std::string>();
  if (op == "status") {
    nlohmann::json reply = ok_reply("status");
    reply["status"] = status();
    return Reply::accept(std::move(reply));
  }
  if (op == "promote") return promote(request, client);
  if (op == "rollback") return rollback(request, client);
  if (op == "halt") return halt_request(request, client);
  if (op == "resume") return resume(request, client);
  return Reply::refuse("bad_request", "unknown op '" + op + "' (promote, status, rollback, halt, resume)");
}

nlohmann::json LiveNode::reject_reply(const Rejection& r, const nlohmann::json& context, const std::string& client) {
  ++control_rejections_;
  nlohmann::json details = context;
  details["code"] = r.code;
  details["reason"] = r.reason;
  details["client"] = client;
  const std::string op = context["op"].is_string() ? context["op"].get<std::string>() : "request";
  audit_.append(op + "_rejected", details);
  publish("rejection", {{"source", "control"}, {"op", op}, {"code", r.code}, {"reason", r.reason}});
  spdlog::warn("{} rejected ({}): {}", op, r.code, r.reason);
  save_state();
  return {{"ok", false}, {"code", r.code}, {"reason", r.reason}};
}

LiveNode::Reply LiveNode::promote(const nlohmann::json& request, const std::string& client) {
  Decision<Deployment> checked = authorizer_.check_promotion(request, highest_version_, now_unix());
  if (!checked) return Reply::refuse(checked.refusal());
  Deployment d = std::move(checked).value();
  highest_version_ = d.version;
  const nlohmann::json summary = d.summary();
  deployments_.push_back(std::move(d));
  if (deployments_.size() > config_.limits.max_deployments) deployments_.erase(deployments_.begin());
  audit_.append("promotion_accepted", {{"deployment", summary}, {"client", client}});
  publish("deployment", {{"status", "accepted"}, {"deployment", summary}});
  spdlog::info("promotion accepted: version {} {} on {} (active from the next bar)",
               summary["version"].get<std::int64_t>(), summary["strategy"].get<std::string>(),
               summary["symbol"].get<std::string>());
  save_state(true);
  nlohmann::json reply =
      ok_reply("version " + std::to_string(highest_version_) + " accepted; active from the next bar");
  reply["deployment"] = summary;
  return Reply::accept(std::move(reply));
}

LiveNode::Reply LiveNode::rollback(const nlohmann::json& request, const std::string& client) {
  const Decision<nlohmann::json> checked = authorizer_.check_command(request, "rollback", now_unix());
  if (!checked) return Reply::refuse(checked.refusal());
  const nlohmann::json& cmd = checked.value();
  if (deployments_.size() < 2)
    return Reply::refuse("nothing_to_roll_back", "no earlier deployment is kept; use halt to stop trading");
  const auto from = cmd.find("from_version");
  if (from == cmd.end() || !from->is_number_integer() || from->get<std::int64_t>() != target().version)
    return Reply::refuse("stale_command",
                         "the command rolls back from version " + (from == cmd.end() ? "?" : from->dump()) +
                             " but the current deployment is version " + std::to_string(target().version));
  const std::int64_t old_version = target().version;
  deployments_.pop_back();
  const nlohmann::json summary = target().summary();
  audit_.append(
      "rollback",
      {{"from_version", old_version}, {"to", summary}, {"approver", cmd["approver"]["id"]}, {"client", client}});
  publish("deployment", {{"status", "rolled_back"}, {"from_version", old_version}, {"deployment", summary}});
  spdlog::warn("rollback from version {} to version {} (active from the next bar)", old_version,
               summary["version"].get<std::int64_t>());
  save_state(true);
  nlohmann::json reply =
      ok_reply("rolled back to version " + std::to_string(target().version) + "; active from the next bar");
  reply["deployment"] = summary;
  return Reply::accept(std::move(reply));
}

LiveNode::Reply LiveNode::halt_request(const nlohmann::json& request, const std::string& client) {
  const std::string reason = request.contains("reason") && request["reason"].is_string()
                                 ? request["reason"].get<std::string>()
                                 : "operator halt";
  if (halted_) return Reply::accept(ok_reply("already halted: " + halt_reason_));
  halt(reason, client);
  return Reply::accept(ok_reply("halted and flat: " + reason));
}

LiveNode::Reply LiveNode::resume(const nlohmann::json& request, const std::string& client) {
  const Decision<nlohmann::json> checked = authorizer_.check_command(request, "resume", now_unix());
  if (!checked) return Reply::refuse(checked.refusal());
  if (!halted_) return Reply::refuse("not_halted", "the node is not halted");
  halted_ = false;
  audit_.append("resume", {{"approver", checked.value()["approver"]["id"]}, {"client", client}, {"was", halt_reason_}});
  publish("resume", {{"was", halt_reason_}});
  spdlog::warn("resumed (was halted: {})", halt_reason_);
  halt_reason_.clear();
  save_state();
  return Reply::accept(ok_reply("resumed; signals from the next bar"));
}

void LiveNode::halt(const std::string& reason, const std::string& by) {
  halted_ = true;
  halt_reason_ = reason;
  for (const std::string& symbol : paper_.open_positions()) publish_fill(paper_.move_to(symbol, 0.0), "halt");
  audit_.append("halt", {{"reason", reason}, {"by", by}});
  publish("halt", {{"reason", reason}, {"by", by}});
  spdlog::error("HALTED ({}): {}", by, reason);
  save_state();
}

// ---- feed ----

bool LiveNode::on_feed_message(const std::vector<std::string>& frames) noexcept {
  try {
    const FeedItem item = decode_message(frames);
    if (!item.bar) {
      refuse_bar(item.refusal.code, item.refusal.reason, item.refusal.detail);
      return false;
    }
    return on_bar(*item.bar);
  } catch (const std::exception& e) {  // out of memory
    refuse_bar("error", e.what(), {{"frames", frames.size()}});
    return false;
  }
}

std::size_t LiveNode::on_feed_messages(std::span<const std::vector<std::string>> messages) noexcept {
  try {
    BatchDates batch;
    std::vector<FeedItem> items;
    items.reserve(messages.size());
    for (std::size_t i = 0; i < messages.size(); ++i)
      items.push_back(check_message(messages[i], batch, i + 1 < messages.size()));
    return journal_and_apply(items);
  } catch (const std::exception& e) {  // out of memory before anything was journaled
    refuse_bar("error", e.what(), {{"messages", messages.size()}});
    return 0;
  }
}

LiveNode::FeedItem LiveNode::decode_message(const std::vector<std::string>& frames) const {
  std::size_t bytes = 0;
  for (const auto& f : frames) bytes += f.size();
  if (bytes > static_cast<std::size_t>(config_.limits.max_message_bytes))
    return {std::nullopt, {"malformed_bar", "message exceeds max_message_bytes", {{"bytes", bytes}}}};
  try {
    return {decode_bar(frames), {}};
  } catch (const std::exception& e) {
    return {std::nullopt, {"malformed_bar", e.what(), {{"frames", frames.size()}}}};
  }
}

LiveNode::FeedItem LiveNode::check_message(const std::vector<std::string>& frames, BatchDates& batch,
                                           bool more_follow) const {
  FeedItem item = decode_message(frames);
  if (!item.bar) return item;
  if (std::optional<BarRefusal> refused = admission(*item.bar, batch)) return {std::nullopt, std::move(*refused)};
  if (!more_follow) return item;  // no later message of the batch is checked against it
  if (batch.last_dates.emplace(item.bar->symbol, item.bar->date).second && !paper_.find(item.bar->symbol))
    ++batch.new_symbols;
  batch.last_dates[item.bar->symbol] = item.bar->date;
  return item;
}

std::size_t LiveNode::journal_and_apply(const std::vector<FeedItem>& items) {
  std::vector<const FeedBar*> accepted;
  for (const FeedItem& item : items)
    if (item.bar) accepted.push_back(&*item.bar);
  std::vector<std::int64_t> ends;
  try {
    ends = journal_.append(accepted);  // the write-ahead log: a crash from here on replays them
  } catch (const std::exception& e) {
    for (const FeedBar* bar : accepted) refuse_bar("error", e.what(), {{"symbol", bar->symbol}, {"date", bar->date}});
    accepted.clear();
  }
  std::size_t next = 0, applied = 0;
  for (const FeedItem& item : items) {
    if (!item.bar) {
      refuse_bar(item.refusal.code, item.refusal.reason, item.refusal.detail);
    } else if (next < ends.size()) {
      journal_processed_ = ends[next++];
      applied += apply_journaled(*item.bar) ? 1 : 0;
    }
  }
  return applied;
}

bool LiveNode::apply_journaled(const FeedBar& bar) noexcept {
  try {
    apply_bar(bar);
    return true;
  } catch (const std::exception& e) {
    refuse_bar("error", e.what(), {{"symbol", bar.symbol}, {"date", bar.date}});
    return false;
  }
}

void LiveNode::refuse_bar(const std::string& code, const std::string& reason, const nlohmann::json& detail) noexcept {
  if (replaying_) return;  // refused (and counted) when it first arrived
  try {
    ++feed_rejections_;
    nlohmann::json body = detail;
    body["source"] = "feed";
    body["code"] = code;
    body["reason"] = reason;
    publish("rejection", body);
    spdlog::warn("feed bar refused ({}): {}", code, reason);
  } catch (...) {  // nothing more can be done for a bar that could not even be reported
  }
}

bool LiveNode::on_bar(const FeedBar& bar) noexcept {
  try {
    if (!admissible(bar)) return false;
    journal_.append(bar);  // the write-ahead log: a crash from here on replays the bar
    journal_processed_ = journal_.size();
    apply_bar(bar);
    return true;
  } catch (const std::exception& e) {
    refuse_bar("error", e.what(), {{"symbol", bar.symbol}, {"date", bar.date}});
    return false;
  }
}

bool LiveNode::admissible(const FeedBar& bar) noexcept {
  try {
    const std::optional<BarRefusal> refused = admission(bar, BatchDates{});
    if (refused) refuse_bar(refused->code, refused->reason, refused->detail);
    return !refused;
  } catch (const std::exception& e) {
    refuse_bar("error", e.what(), {{"symbol", bar.symbol}, {"date", bar.date}});
    return false;
  }
}

std::optional<LiveNode::BarRefusal> LiveNode::admission(const FeedBar& bar, const BatchDates& batch) const {
  const SymbolBook* book = paper_.find(bar.symbol);
  const auto in_batch = batch.last_dates.find(bar.symbol);
  const bool known = book != nullptr || in_batch != batch.last_dates.end();
  if (!known && paper_.symbols() + batch.new_symbols >= config_.limits.max_symbols)
    return BarRefusal{"too_many_symbols", "limits.max_symbols reached", {{"symbol", bar.symbol}}};
  if (!known) return std::nullopt;
  const std::int32_t last = in_batch != batch.last_dates.end() ? in_batch->second : book->last_date;
  if (bar.date > last) return std::nullopt;
  const bool dup = bar.date == last;
  return BarRefusal{dup ? "duplicate_bar" : "out_of_order_bar",
                    bar.symbol + " " + std::to_string(bar.date) + (dup ? " was already processed" : " is older than ") +
                        (dup ? "" : std::to_string(last)),
                    {{"symbol", bar.symbol}, {"date", bar.date}, {"last_date", last}}};
}

void LiveNode::apply_bar(const FeedBar& bar) {
  const bool swap = pending();
  if (swap) activate_target(bar);
  process_bar(bar);
  ++bars_since_checkpoint_;
  if (swap || checkpoint_due()) save_state(swap);
}

bool LiveNode::checkpoint_due() const {
  return bars_since_checkpoint_ >= config_.limits.checkpoint_bars ||
         std::chrono::steady_clock::now() - last_checkpoint_ >= std::chrono::milliseconds(config_.limits.checkpoint_ms);
}

std::size_t LiveNode::replay_journal(std::int64_t from) {
  if (from > journal_.size()) {  // cut outside the node (or lost without fsync): the state holds those bars
    spdlog::warn("bar journal is {} bytes, shorter than the state's checkpoint at byte {}: nothing to replay",
                 journal_.size(), from);
    return 0;
  }
  const JournalTail tail = journal_.tail(from);
  if (tail.end < journal_.size()) {
    spdlog::warn("bar journal: dropping {} bytes of a torn last line at byte {}", journal_.size() - tail.end, tail.end);
    journal_.truncate(tail.end);
  }
  replaying_ = true;
  try {
    for (const FeedBar& bar : tail.bars)
      if (admissible(bar)) apply_bar(bar);
  } catch (...) {
    replaying_ = false;
    throw;
  }
  replaying_ = false;
  return tail.bars.size();
}

void LiveNode::publish(const std::string& type, const nlohmann::json& body) {
  if (!replaying_) events_.publish(type, body);
}

void LiveNode::publish_text(const std::string& type, const std::string& body) {
  if (!replaying_) events_.publish_text(type, body);
}

bool LiveNode::pending() const {
  return !deployments_.empty() && (!active_ || active_->record_sha256 != deployments_.back().record_sha256);
}

void LiveNode::activate_target(const FeedBar& at) {
  const std::int64_t from = active_ ? active_->version : 0;
  active_ = target();
  warm_up_active();
  const nlohmann::json summary = active_->summary();
  audit_.append(
      "deployment_active",
      {{"deployment", summary}, {"from_version", from}, {"first_bar", {{"symbol", at.symbol}, {"date", at.date}}}});
  publish("deployment", {{"status", "active"},
                         {"deployment", summary},
                         {"from_version", from},
                         {"first_bar", {{"symbol", at.symbol}, {"date", at.date}}}});
  spdlog::info("deployment version {} active from {} {}", active_->version, at.symbol, at.date);
}

void LiveNode::warm_up_active() {
  // The strategy sees the symbol's processed bars (at most max_history_bars of them) before the
  // next one, as if it had run from the start: one pass over the journal per activation.
  const SymbolBook* book = paper_.find(active_->symbol);
  const std::vector<FeedBar> history =
      book ? journal_.history(active_->symbol, book->last_date, config_.limits.max_history_bars)
           : std::vector<FeedBar>{};
  paper_.deploy(*active_, history);
}

void LiveNode::process_bar(const FeedBar& bar) {
  const BarMark mark = paper_.mark(bar);
  const PaperTotals& totals = paper_.totals();
  publish_text("bar", EventText()
                          .number("close", bar.close)
                          .integer("date", bar.date)
                          .number("equity", totals.equity)
                          .number("held", mark.held)
                          .number("net", mark.net)
                          .number("pnl", totals.pnl)
                          .text("symbol", bar.symbol)
                          .take());
  decide(bar);
  // After the decision, so that the flattening replaces the position decided at this close and
  // its cost is charged in the next bar, as the convention charges any change.
  if (!halted_ && paper_.ruined())
    halt("ruin: equity reached 0 on " + std::to_string(bar.date) + " (" + bar.symbol +
             ": a net return of -100% or worse)",
         "risk");
  if (!halted_ && totals.day_pnl < -config_.guardrails.max_daily_loss)
    halt("daily loss " + std::to_string(-totals.day_pnl) + " on " + std::to_string(totals.day_date) +
             " exceeds guardrails.max_daily_loss " + std::to_string(config_.guardrails.max_daily_loss),
         "risk");
}

void LiveNode::decide(const FeedBar& bar) {
  const std::optional<std::int8_t> position = paper_.advance(bar);  // the stream sees every bar of its symbol
  const bool deployed = position.has_value();
  double target_pos = 0.0;
  if (deployed && !halted_) {
    const double signal = *position;
    target_pos = capped(signal * active_->size, bar);
    EventText body;
    body.integer("date", bar.date).number("position", target_pos);
    if (const auto prediction = paper_.prediction()) body.number("prediction", *prediction);  // a model's
    publish_text("signal",
                 body.number("signal", signal).text("symbol", bar.symbol).integer("version", active_->version).take());
  }
  paper_.open_decision(bar.symbol, deployed ? std::optional<double>(active_->cost_per_unit) : std::nullopt);
  if (target_pos != paper_.find(bar.symbol)->decided)
    publish_fill(paper_.move_to(bar.symbol, target_pos), deployed ? "signal" : "flatten");
}

double LiveNode::capped(double wanted, const FeedBar& bar) {
  const double cap = config_.guardrails.max_position;
  if (std::abs(wanted) <= cap) return wanted;
  const double capped = std::copysign(cap, wanted);
  publish("risk", {{"symbol", bar.symbol}, {"date", bar.date}, {"wanted", wanted}, {"capped", capped}});
  spdlog::warn("position {} on {} capped at guardrails.max_position {}", wanted, bar.symbol, cap);
  return capped;
}

void LiveNode::publish_fill(const PaperFill& fill, const char* why) {
  const double quantity = fill.to - fill.from;
  publish("order", {{"symbol", fill.symbol},
                    {"date", fill.date},
                    {"from", fill.from},
                    {"to", fill.to},
                    {"quantity", quantity},
                    {"why", why}});
  publish("fill", {{"symbol", fill.symbol},
                   {"date", fill.date},
                   {"price", fill.price},
                   {"quantity", quantity},
                   {"position", fill.to},
                   {"cost", fill.cost}});
}

void LiveNode::heartbeat() noexcept { publish("heartbeat", {{"bars", paper_.totals().bars}, {"halted", halted_}}); }

// ---- status and persistence ----

nlohmann::json LiveNode::status() const {
  nlohmann::json positions = nlohmann::json::object();
  for (const auto& [symbol, book] : paper_.books())
    positions[symbol] = {{"position", book.decided}, {"last_date", book.last_date}, {"last_close", book.last_close}};
  nlohmann::json versions = nlohmann::json::array();
  for (const auto& d : deployments_) versions.push_back(d.version);
  const PaperTotals& t = paper_.totals();
  return {{"active", active_ ? active_->summary() : nlohmann::json(nullptr)},
          {"target", deployments_.empty() ? nlohmann::json(nullptr) : deployments_.back().summary()},
          {"pending", pending()},
          {"deployments", versions},
          {"highest_version", highest_version_},
          {"halted", halted_},
          {"halt_reason", halt_reason_},
          {"positions", positions},
          {"pnl", t.pnl},
          {"equity", t.equity},
          {"day", {{"date", t.day_date}, {"pnl", t.day_pnl}}},
          {"bars", t.bars},
          {"feed_rejections", feed_rejections_},
          {"control_rejections", control_rejections_},
          {"audit", {{"records", audit_.records()}, {"head", audit_.head()}}}};
}

void LiveNode::save_state(bool deployments_changed) {
  if (replaying_) return;
  if (deployments_changed) {
    DeploymentsState d{{}, std::nullopt, highest_version_};
    for (const Deployment& dep : deployments_) d.records.push_back(dep.record_text);
    if (active_) d.active = active_->record_text;
    deployments_store_.save(StateCodec::encode(d));
  }
  store_.save(StateCodec::encode(NodeState{halted_, halt_reason_, paper_.books(), paper_.totals(), authorizer_.nonces(),
                                           audit_.head(), journal_processed_}));
  bars_since_checkpoint_ = 0;
  last_checkpoint_ = std::chrono::steady_clock::now();
}

void LiveNode::checkpoint() noexcept {
  try {
    save_state();
  } catch (const std::exception& e) {
    spdlog::error("checkpoint failed (a restart replays the journal from the previous one): {}", e.what());
  }
}

std::optional<std::int64_t> LiveNode::restore(const std::optional<nlohmann::json>& deployments,
                                              const std::optional<nlohmann::json>& state) {
  if (deployments) {
    try {
      const DeploymentsState d = StateCodec::decode_deployments(*deployments);
      for (const std::string& text : d.records) deployments_.push_back(saved_deployment(text));
      if (d.active) active_ = saved_deployment(*d.active);
      highest_version_ = d.highest_version;
    } catch (const DataError& e) {
      throw DataError(deployments_store_.path().string() + ": unusable state: " + e.what());
    }
  }
  if (state) {
    try {
      NodeState s = StateCodec::decode_state(*state);
      halted_ = s.halted;
      halt_reason_ = s.halt_reason;
      paper_.restore(std::move(s.books), s.totals);
      authorizer_.restore_nonces(std::move(s.nonces));
      return s.journal_bytes;
    } catch (const DataError& e) {
      throw DataError(store_.path().string() + ": unusable state: " + e.what());
    }
  }
  return 0;  // no state yet: every journaled bar is replayed
}

}  // namespace qg::live
