#pragma once
// The live node's audit log: one JSON record per line, hash-chained. Each record is
//   {"details":{...},"event":"...","hash":H,"prev":P,"seq":N,"time":"..."}
// in canonical form, where H = SHA-256(canonical_json(record without "hash")) and P is the
// previous record's H (64 zeros for the first). Editing a record breaks its own hash; editing
// it and recomputing the hash breaks the next record's prev.
#include <cstdint>
#include <filesystem>
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
};

//! Checks a whole audit log file.
AuditCheck verify_audit_file(const std::filesystem::path& path);

//! Appends records to an audit log, continuing an existing chain.
class AuditLog {
 public:
  //! Opens (creating) the log; throws DataError naming the line when the existing chain is broken.
  AuditLog(std::filesystem::path path, bool fsync);
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
