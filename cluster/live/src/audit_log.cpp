#include "qg/live/audit_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "qg/live/approval.hpp"
#include "qg/live/canonical_json.hpp"
#include "qg/core/error.hpp"
#include "qg/core/sha256.hpp"

namespace qg::live {

const std::string kAuditGenesis(64, '0');

namespace {

std::string record_hash(nlohmann::json record) {
  record.erase("hash");
  return sha256_hex(canonical_json(record));
}

//! Checks one line against the chain; empty when good, else why not.
std::string check_line(const std::string& line, std::int64_t seq, const std::string& prev) {
  nlohmann::json rec = nlohmann::json::parse(line, nullptr, false);
  if (rec.is_discarded() || !rec.is_object()) return "not a JSON object";
  std::string canonical;
  try {
    canonical = canonical_json(rec);
  } catch (const Error&) {
    return "holds a number that cannot be encoded";
  }
  if (canonical != line) return "not in canonical form (the line was edited)";
  if (!rec.contains("hash") || !rec["hash"].is_string() || !rec.contains("prev") || !rec["prev"].is_string() ||
      !rec.contains("seq") || !rec["seq"].is_number_integer())
    return "missing hash, prev or seq";
  if (rec["seq"].get<std::int64_t>() != seq)
    return "seq is " + std::to_string(rec["seq"].get<std::int64_t>()) + ", expected " + std::to_string(seq) +
           " (a record was removed or inserted)";
  if (rec["prev"].get<std::string>() != prev)
    return "prev does not match the hash of record " + std::to_string(seq - 1) + ": record " + std::to_string(seq - 1) +
           " was edited";
  if (record_hash(rec) != rec["hash"].get<std::string>()) return "hash does not match its content (it was edited)";
  return {};
}

}  // namespace

//! Marks `check` broken when its chain never reached `expected`.
void require_head(AuditCheck& check, const std::string& expected) {
  if (!check.ok || check.head_at >= 0) return;
  check.ok = false;
  check.message = "the chain ends at record " + std::to_string(check.records) + " (head " + check.head +
                  ") and never reaches the expected head " + expected +
                  ": records were cut off its end, or it is another node's log";
}

AuditCheck verify_audit_file(const std::filesystem::path& path, const std::optional<std::string>& expected_head) {
  AuditCheck check;
  check.head = kAuditGenesis;
  if (expected_head && *expected_head == kAuditGenesis) check.head_at = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    check.ok = false;
    check.message = path.string() + ": cannot read";
    return check;
  }
  std::string line;
  std::int64_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    const std::string why = in.eof() ? "the last line is incomplete (no newline)" : check_line(line, n, check.head);
    if (!why.empty()) {
      check.ok = false;
      check.bad_line = n;
      check.message = "record " + std::to_string(n) + " (line " + std::to_string(n) + "): " + why;
      return check;
    }
    check.head = nlohmann::json::parse(line)["hash"].get<std::string>();
    check.records = n;
    if (expected_head && check.head_at < 0 && check.head == *expected_head) check.head_at = n;
  }
  if (expected_head) require_head(check, *expected_head);
  return check;
}

AuditLog::AuditLog(std::filesystem::path path, bool fsync, const std::optional<std::string>& expected_head)
    : path_(std::move(path)), fsync_(fsync) {
  head_ = kAuditGenesis;
  if (!std::filesystem::exists(path_) && expected_head && *expected_head != kAuditGenesis)
    throw DataError(path_.string() + ": missing, but the node's state records audit head " + *expected_head +
                    "; restore the log (or start a new state_dir)");
  if (std::filesystem::exists(path_)) {
    const AuditCheck check = verify_audit_file(path_, expected_head);
    if (!check.ok && check.bad_line == 0)
      throw DataError(path_.string() + ": does not match the node's state: " + check.message);
    if (!check.ok) throw DataError(path_.string() + ": audit chain broken at " + check.message);
    head_ = check.head;
    next_seq_ = check.records + 1;
  }
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw IoError(path_.string() + ": cannot open audit log: " + std::strerror(errno));
}

AuditLog::~AuditLog() {
  if (fd_ >= 0) ::close(fd_);
}

std::string AuditLog::append(const std::string& event, const nlohmann::json& details) {
  nlohmann::json rec = {
      {"seq", next_seq_}, {"time", iso_utc(now_unix())}, {"event", event}, {"details", details}, {"prev", head_}};
  const std::string hash = record_hash(rec);
  rec["hash"] = hash;
  const std::string line = canonical_json(rec) + "\n";
  if (::write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
    throw IoError(path_.string() + ": audit write failed: " + std::strerror(errno));
  if (fsync_ && ::fsync(fd_) != 0) throw IoError(path_.string() + ": audit fsync failed: " + std::strerror(errno));
  head_ = hash;
  ++next_seq_;
  return hash;
}

}  // namespace qg::live
