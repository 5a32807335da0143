#include "qg/live/live_node.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "qg/live/approval.hpp"
#include "qg/core/error.hpp"
#include "qg/kernels/series.hpp"
#include "qg/core/sha256.hpp"

namespace qg::live {
namespace {

nlohmann::json ok_reply(const std::string& reason) { return {{"ok", true}, {"code", "accepted"}, {"reason", reason}}; }

[[noreturn]] void reject(const std::string& code, const std::string& reason) { throw Rejection{code, reason}; }


//! The decoded signed object carried in request[key] as text.
std::pair<nlohmann::json, std::string> signed_field(const nlohmann::json& request, const char* key) {
  const auto it = request.find(key);
  if (it == request.end() || !it->is_string()) reject("bad_request", std::string("request needs '") + key + "' (text)");
  const std::string text = it->get<std::string>();
  try {
    return {decode_signed(text), text};
  } catch (const DataError& e) {
    reject("tampered", std::string(key) + " refused: " + e.what());
  }
}

}  // namespace

LiveNode::LiveNode(LiveConfig config, EventSink& events)
    : config_(std::move(config)),
      events_(events),
      store_(config_.state_dir, "state.json", config_.limits.fsync),
      deployments_store_(config_.state_dir, "deployments.json", config_.limits.fsync),
      journal_(config_.state_dir, config_.limits.fsync),
      audit_(config_.state_dir / "audit.jsonl", config_.limits.fsync) {
  const auto deployments = deployments_store_.load();
  const auto state = store_.load();
  if (deployments || state)
    restore(deployments.value_or(nlohmann::json::object()), state.value_or(nlohmann::json::object()));
  audit_.append("node_started", {{"active", active_ ? nlohmann::json(active_->version) : nlohmann::json(nullptr)},
                                 {"halted", halted_}, {"bars", bars_}});
  spdlog::info("live node ready: state in {}, {} bars restored, active version {}, {}", config_.state_dir.string(),
               bars_, active_ ? std::to_string(active_->version) : "none", halted_ ? "HALTED" : "trading");
}

// ---- control ----

std::string LiveNode::handle_request(std::string_view bytes, const std::string& client) noexcept {
  try {
    nlohmann::json context = {{"op", nullptr}};
    try {
      if (bytes.size() > static_cast<std::size_t>(config_.limits.max_message_bytes))
        reject("bad_request", "request of " + std::to_string(bytes.size()) + " bytes exceeds max_message_bytes");
      const nlohmann::json request = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
      if (request.is_discarded() || !request.is_object()) reject("bad_request", "request is not a JSON object");
      const auto op = request.find("op");
      if (op == request.end() || !op->is_string()) reject("bad_request", "request needs \"op\" (text)");
      context["op"] = *op;
      if (const auto rec = request.find("record"); rec != request.end() && rec->is_string())
        context["record_sha256"] = sha256_hex(rec->get<std::string>());
      return dispatch(request, client).dump();
    } catch (const Rejection& r) {
      return reject_reply(r, context, client).dump();
    }
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

nlohmann::json LiveNode::dispatch(const nlohmann::json& request, const std::string& client) {
  const std::string op = request["op"].get<std::string>();
  if (op == "status") {
    nlohmann::json reply = ok_reply("status");
    reply["status"] = status();
    return reply;
  }
  if (op == "promote") return promote(request, client);
  if (op == "rollback") return rollback(request, client);
  if (op == "halt") return halt_request(request, client);
  if (op == "resume") return resume(request, client);
  reject("bad_request", "unknown op '" + op + "' (promote, status, rollback, halt, resume)");
}

nlohmann::json LiveNode::reject_reply(const Rejection& r, const nlohmann::json& context, const std::string& client) {
  ++control_rejections_;
  nlohmann::json details = context;
  details["code"] = r.code;
  details["reason"] = r.reason;
  details["client"] = client;
  const std::string op = context["op"].is_string() ? context["op"].get<std::string>() : "request";
  audit_.append(op + "_rejected", details);
  events_.publish("rejection", {{"source", "control"}, {"op", op}, {"code", r.code}, {"reason", r.reason}});
  spdlog::warn("{} rejected ({}): {}", op, r.code, r.reason);
  save_state();
  return {{"ok", false}, {"code", r.code}, {"reason", r.reason}};
}

void LiveNode::check_signer(const nlohmann::json& obj, std::string_view domain, const std::string& what) {
  const auto approver = obj.find("approver");
  if (!obj.contains("signature")) reject("unsigned", what + " carries no signature");
  if (approver == obj.end() || !approver->is_object() || !approver->contains("public_key") ||
      !approver->contains("id") || !(*approver)["public_key"].is_string() || !(*approver)["id"].is_string())
    reject("bad_record", what + ": approver {id, public_key} missing");
  const std::string key = (*approver)["public_key"].get<std::string>();
  const std::string id = (*approver)["id"].get<std::string>();
  const auto allowed = std::find_if(config_.approvers.begin(), config_.approvers.end(),
                                    [&](const ApproverEntry& a) { return a.public_hex == key; });
  if (allowed == config_.approvers.end())
    reject("unknown_approver", what + ": approver key " + key.substr(0, 16) + "... is not in this node's approvers");
  if (allowed->id != id)
    reject("unknown_approver", what + ": the key belongs to '" + allowed->id + "', the record says '" + id + "'");
  if (!signature_valid(obj, domain)) reject("bad_signature", what + ": the signature does not verify");
}

void LiveNode::check_guardrails(const Deployment& d) const {
  const Guardrails& g = config_.guardrails;
  const std::string kind(d.strategy->kind());
  if (!g.strategies.empty() && std::find(g.strategies.begin(), g.strategies.end(), kind) == g.strategies.end())
    reject("guardrail", "strategy '" + kind + "' is not in guardrails.strategies");
  auto metric = [&](const char* name) {
    const auto it = d.metrics.find(name);
    if (it == d.metrics.end() || !it->is_number()) reject("guardrail", std::string("evidence lacks metric ") + name);
    return it->get<double>();
  };
  if (const double s = metric("sharpe"); s < g.min_sharpe)
    reject("guardrail", "sharpe " + std::to_string(s) + " is below guardrails.min_sharpe " + std::to_string(g.min_sharpe));
  if (const double dd = metric("max_drawdown"); dd > g.max_drawdown)
    reject("guardrail", "max_drawdown " + std::to_string(dd) + " exceeds guardrails.max_drawdown " +
                            std::to_string(g.max_drawdown));
  if (d.size > g.max_position)
    reject("guardrail", "size " + std::to_string(d.size) + " exceeds guardrails.max_position " +
                            std::to_string(g.max_position));
}

nlohmann::json LiveNode::promote(const nlohmann::json& request, const std::string& client) {
  const auto [record, text] = signed_field(request, "record");
  if (record.value("format", "") != kApprovalFormat || record.value("format_version", 0) != kApprovalFormatVersion)
    reject("bad_record", "not a quantgrid-approval record of format_version 1");
  check_signer(record, kApprovalDomain, "approval");
  const auto expires = parse_iso_utc(record.value("expires_at", ""));
  if (!expires) reject("bad_record", "expires_at missing or not ISO-8601 UTC");
  if (now_unix() >= *expires) reject("expired", "the approval expired at " + record["expires_at"].get<std::string>());
  Deployment d = parse_deployment(record, text);
  if (d.version <= highest_version_)
    reject("replayed", "version " + std::to_string(d.version) + " is not newer than " +
                           std::to_string(highest_version_) + ", the newest accepted");
  check_guardrails(d);
  highest_version_ = d.version;
  const nlohmann::json summary = d.summary();
  deployments_.push_back(std::move(d));
  if (deployments_.size() > config_.limits.max_deployments) deployments_.erase(deployments_.begin());
  audit_.append("promotion_accepted", {{"deployment", summary}, {"client", client}});
  events_.publish("deployment", {{"status", "accepted"}, {"deployment", summary}});
  spdlog::info("promotion accepted: version {} {} on {} (active from the next bar)", summary["version"].get<std::int64_t>(),
               summary["strategy"].get<std::string>(), summary["symbol"].get<std::string>());
  save_state(true);
  nlohmann::json reply = ok_reply("version " + std::to_string(highest_version_) + " accepted; active from the next bar");
  reply["deployment"] = summary;
  return reply;
}

nlohmann::json LiveNode::check_command(const nlohmann::json& request, const std::string& action) {
  const auto [cmd, text] = signed_field(request, "command");
  if (cmd.value("format", "") != "quantgrid-command" || cmd.value("action", "") != action)
    reject("bad_request", "command is not a signed '" + action + "' command");
  check_signer(cmd, kCommandDomain, action + " command");
  const auto issued = parse_iso_utc(cmd.value("issued_at", ""));
  const std::int64_t now = now_unix();
  if (!issued || std::llabs(now - *issued) > config_.limits.command_max_age_s)
    reject("stale_command", "issued_at is missing or more than command_max_age_s (" +
                                std::to_string(config_.limits.command_max_age_s) + " s) from the node's clock");
  const std::string nonce = cmd.value("nonce", "");
  if (nonce.empty()) reject("bad_request", "command has no nonce");
  if (nonces_.contains(nonce)) reject("replayed", "this command was already used");
  std::erase_if(nonces_, [&](const auto& kv) { return now - kv.second > config_.limits.command_max_age_s; });
  nonces_[nonce] = *issued;
  return cmd;
}

nlohmann::json LiveNode::rollback(const nlohmann::json& request, const std::string& client) {
  const nlohmann::json cmd = check_command(request, "rollback");
  if (deployments_.size() < 2) reject("nothing_to_roll_back", "no earlier deployment is kept; use halt to stop trading");
  const auto from = cmd.find("from_version");
  if (from == cmd.end() || !from->is_number_integer() || from->get<std::int64_t>() != target().version)
    reject("stale_command", "the command rolls back from version " + (from == cmd.end() ? "?" : from->dump()) +
                                " but the current deployment is version " + std::to_string(target().version));
  const std::int64_t old_version = target().version;
  deployments_.pop_back();
  const nlohmann::json summary = target().summary();
  audit_.append("rollback", {{"from_version", old_version}, {"to", summary}, {"approver", cmd["approver"]["id"]},
                             {"client", client}});
  events_.publish("deployment", {{"status", "rolled_back"}, {"from_version", old_version}, {"deployment", summary}});
  spdlog::warn("rollback from version {} to version {} (active from the next bar)", old_version,
               summary["version"].get<std::int64_t>());
  save_state(true);
  nlohmann::json reply = ok_reply("rolled back to version " + std::to_string(target().version) + "; active from the next bar");
  reply["deployment"] = summary;
  return reply;
}

nlohmann::json LiveNode::halt_request(const nlohmann::json& request, const std::string& client) {
  const std::string reason = request.contains("reason") && request["reason"].is_string()
                                 ? request["reason"].get<std::string>() : "operator halt";
  if (halted_) return ok_reply("already halted: " + halt_reason_);
  halt(reason, client);
  return ok_reply("halted and flat: " + reason);
}

nlohmann::json LiveNode::resume(const nlohmann::json& request, const std::string& client) {
  const nlohmann::json cmd = check_command(request, "resume");
  if (!halted_) reject("not_halted", "the node is not halted");
  halted_ = false;
  audit_.append("resume", {{"approver", cmd["approver"]["id"]}, {"client", client}, {"was", halt_reason_}});
  events_.publish("resume", {{"was", halt_reason_}});
  spdlog::warn("resumed (was halted: {})", halt_reason_);
  halt_reason_.clear();
  save_state();
  return ok_reply("resumed; signals from the next bar");
}

void LiveNode::halt(const std::string& reason, const std::string& by) {
  halted_ = true;
  halt_reason_ = reason;
  for (auto& [symbol, book] : books_)
    if (book.decided != 0.0) set_position(symbol, book, 0.0, book.last_date, "halt");
  audit_.append("halt", {{"reason", reason}, {"by", by}});
  events_.publish("halt", {{"reason", reason}, {"by", by}});
  spdlog::error("HALTED ({}): {}", by, reason);
  save_state();
}

// ---- feed ----

bool LiveNode::on_feed_message(const std::vector<std::string>& frames) noexcept {
  try {
    std::size_t bytes = 0;
    for (const auto& f : frames) bytes += f.size();
    if (bytes > static_cast<std::size_t>(config_.limits.max_message_bytes)) {
      refuse_bar("malformed_bar", "message exceeds max_message_bytes", {{"bytes", bytes}});
      return false;
    }
    return on_bar(decode_bar(frames));
  } catch (const std::exception& e) {
    refuse_bar("malformed_bar", e.what(), {{"frames", frames.size()}});
    return false;
  }
}

void LiveNode::refuse_bar(const std::string& code, const std::string& reason, const nlohmann::json& detail) noexcept {
  try {
    ++feed_rejections_;
    nlohmann::json body = detail;
    body["source"] = "feed";
    body["code"] = code;
    body["reason"] = reason;
    events_.publish("rejection", body);
    spdlog::warn("feed bar refused ({}): {}", code, reason);
  } catch (...) {  // nothing more can be done for a bar that could not even be reported
  }
}

bool LiveNode::on_bar(const FeedBar& bar) noexcept {
  try {
    const auto it = books_.find(bar.symbol);
    if (it == books_.end() && books_.size() >= config_.limits.max_symbols) {
      refuse_bar("too_many_symbols", "limits.max_symbols reached", {{"symbol", bar.symbol}});
      return false;
    }
    if (it != books_.end() && bar.date <= it->second.last_date) {
      const bool dup = bar.date == it->second.last_date;
      refuse_bar(dup ? "duplicate_bar" : "out_of_order_bar",
                 bar.symbol + " " + std::to_string(bar.date) + (dup ? " was already processed" : " is older than ") +
                     (dup ? "" : std::to_string(it->second.last_date)),
                 {{"symbol", bar.symbol}, {"date", bar.date}, {"last_date", it->second.last_date}});
      return false;
    }
    journal_.append(bar);
    const bool swap = !deployments_.empty() && (!active_ || active_->record_sha256 != target().record_sha256);
    if (swap) activate_target(bar);
    process_bar(books_[bar.symbol], bar);
    save_state(swap);
    return true;
  } catch (const std::exception& e) {
    refuse_bar("error", e.what(), {{"symbol", bar.symbol}, {"date", bar.date}});
    return false;
  }
}

void LiveNode::activate_target(const FeedBar& at) {
  const std::int64_t from = active_ ? active_->version : 0;
  active_ = target();
  const nlohmann::json summary = active_->summary();
  audit_.append("deployment_active", {{"deployment", summary}, {"from_version", from},
                                      {"first_bar", {{"symbol", at.symbol}, {"date", at.date}}}});
  events_.publish("deployment", {{"status", "active"}, {"deployment", summary}, {"from_version", from},
                                 {"first_bar", {{"symbol", at.symbol}, {"date", at.date}}}});
  spdlog::info("deployment version {} active from {} {}", active_->version, at.symbol, at.date);
}

void LiveNode::process_bar(Book& book, const FeedBar& bar) {
  double net = 0.0;
  if (book.last_date != 0) {
    const double r = bar.close / book.last_close - 1.0;
    net = book.decided * r - book.cost_rate * std::abs(book.decided - book.decided_before);
  }
  book.high.push_back(bar.high);
  book.low.push_back(bar.low);
  book.close.push_back(bar.close);
  if (book.close.size() > config_.limits.max_history_bars) {
    book.high.erase(book.high.begin());
    book.low.erase(book.low.begin());
    book.close.erase(book.close.begin());
  }
  if (bar.date != day_date_) {
    day_date_ = bar.date;
    day_pnl_ = 0.0;
  }
  const double held = book.decided;
  pnl_ += net;
  equity_ *= 1.0 + net;
  day_pnl_ += net;
  book.last_date = bar.date;
  book.last_close = bar.close;
  ++bars_;
  events_.publish("bar", {{"symbol", bar.symbol}, {"date", bar.date}, {"close", bar.close}, {"held", held},
                          {"net", net}, {"pnl", pnl_}, {"equity", equity_}});
  decide(book, bar);
  // After the decision, so that the flattening replaces the position decided at this close and
  // its cost is charged in the next bar, as the convention charges any change.
  if (!halted_ && day_pnl_ < -config_.guardrails.max_daily_loss)
    halt("daily loss " + std::to_string(-day_pnl_) + " on " + std::to_string(day_date_) +
             " exceeds guardrails.max_daily_loss " + std::to_string(config_.guardrails.max_daily_loss),
         "risk");
}

double LiveNode::evaluate(const Book& book) const {
  if (book.close.size() < 2) return 0.0;  // PreparedSeries needs two bars; a strategy is flat then anyway
  const kernels::PreparedSeries series(kernels::BarsView{book.high, book.low, book.close});
  std::vector<std::int8_t> pos(book.close.size());
  active_->strategy->positions(series, active_->params.data(), 1, active_->mode, pos.data());
  return pos.back();
}

void LiveNode::decide(Book& book, const FeedBar& bar) {
  const bool deployed = active_ && active_->symbol == bar.symbol;
  double target_pos = 0.0;
  if (deployed && !halted_) {
    const double signal = evaluate(book);
    target_pos = signal * active_->size;
    const double cap = config_.guardrails.max_position;
    if (std::abs(target_pos) > cap) {
      const double capped = std::copysign(cap, target_pos);
      events_.publish("risk", {{"symbol", bar.symbol}, {"date", bar.date}, {"wanted", target_pos}, {"capped", capped}});
      spdlog::warn("position {} on {} capped at guardrails.max_position {}", target_pos, bar.symbol, cap);
      target_pos = capped;
    }
    events_.publish("signal", {{"symbol", bar.symbol}, {"date", bar.date}, {"signal", signal},
                               {"position", target_pos}, {"version", active_->version}});
  }
  if (deployed) book.cost_rate = active_->cost_per_unit;
  const double before = book.decided;
  book.decided_before = before;
  book.decided = before;  // set_position moves it when the target differs
  if (target_pos != before) set_position(bar.symbol, book, target_pos, bar.date, deployed ? "signal" : "flatten");
}

void LiveNode::set_position(const std::string& symbol, Book& book, double target_pos, std::int32_t date,
                            const char* why) {
  const double delta = target_pos - book.decided;
  events_.publish("order", {{"symbol", symbol}, {"date", date}, {"from", book.decided}, {"to", target_pos},
                            {"quantity", delta}, {"why", why}});
  events_.publish("fill", {{"symbol", symbol}, {"date", date}, {"price", book.last_close}, {"quantity", delta},
                           {"position", target_pos}, {"cost", book.cost_rate * std::abs(delta)}});
  book.decided = target_pos;
}

void LiveNode::heartbeat() noexcept {
  events_.publish("heartbeat", {{"bars", bars_}, {"halted", halted_}});
}

// ---- status and persistence ----

nlohmann::json LiveNode::status() const {
  nlohmann::json positions = nlohmann::json::object();
  for (const auto& [symbol, book] : books_)
    positions[symbol] = {{"position", book.decided}, {"last_date", book.last_date}, {"last_close", book.last_close}};
  nlohmann::json versions = nlohmann::json::array();
  for (const auto& d : deployments_) versions.push_back(d.version);
  const bool pending = !deployments_.empty() && (!active_ || active_->record_sha256 != deployments_.back().record_sha256);
  return {{"active", active_ ? active_->summary() : nlohmann::json(nullptr)},
          {"target", deployments_.empty() ? nlohmann::json(nullptr) : deployments_.back().summary()},
          {"pending", pending},
          {"deployments", versions},
          {"highest_version", highest_version_},
          {"halted", halted_},
          {"halt_reason", halt_reason_},
          {"positions", positions},
          {"pnl", pnl_},
          {"equity", equity_},
          {"day", {{"date", day_date_}, {"pnl", day_pnl_}}},
          {"bars", bars_},
          {"feed_rejections", feed_rejections_},
          {"control_rejections", control_rejections_},
          {"audit", {{"records", audit_.records()}, {"head", audit_.head()}}}};
}

nlohmann::json LiveNode::deployments_json() const {
  nlohmann::json deployments = nlohmann::json::array();
  for (const auto& d : deployments_) deployments.push_back(d.record_text);
  return {{"format", "quantgrid-live-deployments"}, {"deployments", deployments},
          {"active", active_ ? nlohmann::json(active_->record_text) : nlohmann::json(nullptr)},
          {"highest_version", highest_version_}};
}

nlohmann::json LiveNode::state_json() const {
  nlohmann::json books = nlohmann::json::object();
  for (const auto& [symbol, b] : books_)
    books[symbol] = {{"last_date", b.last_date}, {"last_close", b.last_close}, {"decided", b.decided},
                     {"decided_before", b.decided_before}, {"cost_rate", b.cost_rate}};
  return {{"format", "quantgrid-live-state"}, {"halted", halted_}, {"halt_reason", halt_reason_},
          {"books", books}, {"pnl", pnl_}, {"equity", equity_}, {"day_date", day_date_}, {"day_pnl", day_pnl_},
          {"bars", bars_}, {"nonces", nonces_}, {"audit_head", audit_.head()}};
}

void LiveNode::save_state(bool deployments_changed) {
  if (deployments_changed) deployments_store_.save(deployments_json());
  store_.save(state_json());
}

void LiveNode::restore(const nlohmann::json& dep, const nlohmann::json& s) {
  try {
    auto to_deployment = [](const std::string& text) {
      try {
        return parse_deployment(decode_signed(text), text);
      } catch (const Rejection& r) {
        throw DataError("saved deployment refused: " + r.reason);
      }
    };
    if (!dep.empty()) {
      for (const auto& text : dep.at("deployments")) deployments_.push_back(to_deployment(text.get<std::string>()));
      if (!dep.at("active").is_null()) active_ = to_deployment(dep.at("active").get<std::string>());
      highest_version_ = dep.at("highest_version").get<std::int64_t>();
    }
    if (s.empty()) return;
    halted_ = s.at("halted").get<bool>();
    halt_reason_ = s.at("halt_reason").get<std::string>();
    for (const auto& [symbol, b] : s.at("books").items()) {
      Book& book = books_[symbol];
      book.last_date = b.at("last_date").get<std::int32_t>();
      book.last_close = b.at("last_close").get<double>();
      book.decided = b.at("decided").get<double>();
      book.decided_before = b.at("decided_before").get<double>();
      book.cost_rate = b.at("cost_rate").get<double>();
    }
    pnl_ = s.at("pnl").get<double>();
    equity_ = s.at("equity").get<double>();
    day_date_ = s.at("day_date").get<std::int32_t>();
    day_pnl_ = s.at("day_pnl").get<double>();
    bars_ = s.at("bars").get<std::int64_t>();
    nonces_ = s.at("nonces").get<std::map<std::string, std::int64_t>>();
  } catch (const nlohmann::json::exception& e) {
    throw DataError(store_.path().string() + ": unusable state: " + e.what());
  }
  // Bar history from the journal, up to each book's last processed bar (a bar journaled just
  // before a crash, but never processed, is dropped here and accepted again from the feed).
  std::map<std::string, std::int32_t> loaded;
  for (const FeedBar& bar : journal_.load()) {
    const auto it = books_.find(bar.symbol);
    if (it == books_.end() || bar.date > it->second.last_date || bar.date <= loaded[bar.symbol]) continue;
    loaded[bar.symbol] = bar.date;
    Book& book = it->second;
    book.high.push_back(bar.high);
    book.low.push_back(bar.low);
    book.close.push_back(bar.close);
  }
  for (auto& [symbol, book] : books_) {
    const std::size_t keep = config_.limits.max_history_bars;
    if (book.close.size() > keep) {
      const auto drop = static_cast<std::ptrdiff_t>(book.close.size() - keep);
      book.high.erase(book.high.begin(), book.high.begin() + drop);
      book.low.erase(book.low.begin(), book.low.begin() + drop);
      book.close.erase(book.close.begin(), book.close.begin() + drop);
    }
  }
}

}  // namespace qg::live
