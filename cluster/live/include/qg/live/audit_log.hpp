#pragma once
// The live node's audit log: one JSON record per line, hash-chained. Each record is
//   {"details":{...},"event":"...","hash":H,"prev":P,"seq":N,"time":"..."}
// in canonical form, where H = SHA-256(canonical_json(record without "hash")) and P is the
// previous record's H (64 zeros for the first). Editing a record breaks its own hash; editing
// it and recomputing the hash breaks the next record's prev.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace qg::live {

//! The result of checking an audit log.
struct AuditCheck {
  bool ok = true;
  std::int64_t records = 0;   // records read (all of them when ok)
  std::int64_t bad_line = 0;  // 1-based line of the first bad record (0 when ok)
  std::string message;        // what is wrong with it
  std::string head;           // hash of the last good record
  std::int64_t head_at = -1;  // the record whose hash is the expected head (0: the genesis); -1: none expected
};

//! Checks a whole audit log file: its hash chain and, given `expected_head` (state.json's
//! `audit_head`, or a head noted earlier), that the chain reaches that hash. A log whose last
//! records were cut off before it fails; records appended after it are fine.
AuditCheck verify_audit_file(const std::filesystem::path& path,
                             const std::optional<std::string>& expected_head = std::nullopt);

//! Appends records to an audit log, continuing an existing chain.
class AuditLog {
 public:
  //! Opens (creating) the log; throws DataError naming the line when the existing chain is broken,
  //! and when it does not reach `expected_head` (the head the node's state recorded): a missing
  //! log, or one cut short, is refused instead of continued.
  AuditLog(std::filesystem::path path, bool fsync, const std::optional<std::string>& expected_head = std::nullopt);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;
  //! Appends one record and flushes it (fsync when configured). Returns its hash.
  std::string append(const std::string& event, const nlohmann::json& details);
  const std::string& head() const { return head_; }
  std::int64_t records() const { return next_seq_ - 1; }

 private:
  std::filesystem::path path_;
  bool fsync_;
  std::string head_;
  std::int64_t next_seq_ = 1;
  int fd_ = -1;
};

//! 64 zeros: the prev of the first record.
extern const std::string kAuditGenesis;

}  // namespace qg::live
