#pragma once
// The JSON of the live node's two state files under state_dir (docs/operations.md, "State,
// restarts and the audit log"): state.json (halt, books, P&L, command nonces, audit head) and
// deployments.json (the accepted records, the active one, the highest version). Decoding checks
// every field and names the one that is wrong.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "qg/live/paper_book.hpp"

namespace qg::live {

//! What state.json holds.
struct NodeState {
  bool halted = false;
  std::string halt_reason;
  std::map<std::string, SymbolBook> books;
  PaperTotals totals;
  std::map<std::string, std::int64_t> nonces;  // signed-command nonces with their issue time
  std::string audit_head;
  //! Length of bars.jsonl when this state was written: the bars after it are replayed on
  //! restart. nullopt in a state written before checkpoints (every journaled bar is in it).
  std::optional<std::int64_t> journal_bytes;
};

//! What deployments.json holds: signed record texts, exactly as received.
struct DeploymentsState {
  std::vector<std::string> records;  // oldest first; the last is the target
  std::optional<std::string> active;
  std::int64_t highest_version = 0;
};

class StateCodec {
 public:
  static nlohmann::json encode(const NodeState& state);
  static nlohmann::json encode(const DeploymentsState& deployments);
  //! state.json's `audit_head`, read alone (the audit log is opened before the rest is decoded);
  //! nullopt without a state or without that field.
  static std::optional<std::string> audit_head(const std::optional<nlohmann::json>& state);
  //! Throws DataError "PATH: what" (e.g. "books.SPY.decided: expected a number") on a
  //! missing or mistyped field.
  static NodeState decode_state(const nlohmann::json& j);
  //! Same for deployments.json.
  static DeploymentsState decode_deployments(const nlohmann::json& j);
};

}  // namespace qg::live
