#include "qg/core/output_claim.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "qg/core/error.hpp"
#include "qg/core/time.hpp"

namespace qg {
namespace fs = std::filesystem;
namespace {

constexpr int kAttempts = 8;  // a takeover raced by another writer is retried, a few times

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

std::string errno_text(int error) { return std::strerror(error); }

std::string encode(const ClaimOwner& o) {
  return "pid " + std::to_string(o.pid) + "\nhost " + o.host + "\nsince " + o.since + "\n";
}

//! The owner written in a lock file; nullopt when the text is not a claim.
std::optional<ClaimOwner> decode(const std::string& text) {
  std::istringstream in(text);
  std::string key;
  ClaimOwner o;
  if (!(in >> key >> o.pid) || key != "pid") return std::nullopt;
  if (!(in >> key >> o.host) || key != "host") return std::nullopt;
  if (!(in >> key >> o.since) || key != "since") return std::nullopt;
  return o;
}

std::string read_all(int fd) {
  std::string text;
  char buffer[512];
  for (ssize_t n; (n = ::pread(fd, buffer, sizeof buffer, static_cast<off_t>(text.size()))) > 0 && text.size() < 4096;)
    text.append(buffer, static_cast<std::size_t>(n));
  return text;
}

//! True unless the process is known to be gone: no such pid, or a zombie.
bool pid_alive(long pid) {
  if (pid <= 0) return false;
  if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;  // no /proc: trust kill()
  const auto paren = line.rfind(')');
  return paren == std::string::npos || paren + 2 >= line.size() || line[paren + 2] != 'Z';
}

//! flock(2) without blocking: 1 taken, 0 held by another, -1 not supported by the file system.
int try_flock(int fd) {
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return 1;
  return errno == EWOULDBLOCK ? 0 : -1;
}

bool same_file(int fd, const fs::path& path) {
  struct stat a {
  }, b{};
  return ::fstat(fd, &a) == 0 && ::stat(path.c_str(), &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

//! The complete lock file under a name of this writer's own, locked; returns its descriptor.
int write_candidate(const fs::path& candidate, const ClaimOwner& me) {
  ::unlink(candidate.c_str());  // left by an earlier process with this pid: nobody else uses the name
  const int fd = ::open(candidate.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError(candidate.string() + ": cannot create the output's lock file: " + errno_text(errno));
  (void)try_flock(fd);  // on a file system without flock, the pid check stands in for it
  const std::string text = encode(me);
  if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    const int error = errno;
    ::close(fd);
    ::unlink(candidate.c_str());
    throw IoError(candidate.string() + ": cannot write the output's lock file: " + errno_text(error));
  }
  return fd;
}

enum class ClaimState : std::uint8_t { kGone, kStale, kDying, kHeld };

struct Probe {
  ClaimState state = ClaimState::kGone;
  std::optional<ClaimOwner> owner;
};

//! Looks at an existing lock file; a stale one (its owner dead on this host, its flock free)
//! is removed while its flock is held, so that two writers cannot both take it over.
Probe probe_claim(const fs::path& lock, const std::string& host) {
  const int fd = ::open(lock.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};  // released in between
  Probe probe{ClaimState::kHeld, decode(read_all(fd))};
  const bool local = probe.owner && probe.owner->host == host;
  if (local && !pid_alive(probe.owner->pid)) {
    const bool free = try_flock(fd) != 0;  // 0: another writer holds it while taking it over
    if (free && same_file(fd, lock)) {
      ::unlink(lock.c_str());
      probe.state = ClaimState::kStale;
    } else {
      probe.state = ClaimState::kDying;
    }
  }
  ::close(fd);
  return probe;
}

//! The name under which `owner` writes its complete lock file before linking it into place.
fs::path candidate_path(const fs::path& lock, const ClaimOwner& owner) {
  return lock.string() + "." + owner.host + "." + std::to_string(owner.pid);
}

std::string in_use_message(const fs::path& output, const fs::path& lock, const std::optional<ClaimOwner>& owner) {
  if (!owner)
    return output.string() + " is in use: " + lock.string() +
           " exists but is not a quantgrid claim; delete it if no process is writing " + output.string();
  return output.string() + " is in use by process " + std::to_string(owner->pid) + " on host " + owner->host +
         " since " + owner->since + " (its claim: " + lock.string() + ")";
}

}  // namespace

fs::path OutputClaim::lock_path_of(const fs::path& output) { return fs::path(output.string() + ".lock"); }

fs::path OutputClaim::temp_path_of(const fs::path& output, const ClaimOwner& owner) {
  return fs::path(output.string() + ".tmp-" + owner.host + "-" + std::to_string(owner.pid));
}

OutputClaim::OutputClaim(fs::path output, int fd, ClaimOwner owner)
    : output_(std::move(output)), lock_path_(lock_path_of(output_)), fd_(fd), owner_(std::move(owner)) {}

OutputClaim::OutputClaim(OutputClaim&& other) noexcept
    : output_(std::move(other.output_)),
      lock_path_(std::move(other.lock_path_)),
      fd_(std::exchange(other.fd_, -1)),
      owner_(std::move(other.owner_)),
      taken_over_(std::move(other.taken_over_)) {}

OutputClaim& OutputClaim::operator=(OutputClaim&& other) noexcept {
  if (this != &other) {
    release();
    output_ = std::move(other.output_);
    lock_path_ = std::move(other.lock_path_);
    fd_ = std::exchange(other.fd_, -1);
    owner_ = std::move(other.owner_);
    taken_over_ = std::move(other.taken_over_);
  }
  return *this;
}

OutputClaim::~OutputClaim() { release(); }

void OutputClaim::release() noexcept {
  if (fd_ < 0) return;
  if (same_file(fd_, lock_path_)) ::unlink(lock_path_.c_str());  // unlink before the flock goes
  ::close(fd_);
  fd_ = -1;
}

fs::path OutputClaim::temp_path(std::string_view suffix) const {
  return fs::path(temp_path_of(output_, owner_).string().append(suffix));
}

void OutputClaim::remove_temporaries_of(const ClaimOwner& dead, const std::vector<std::string>& suffixes) const {
  const std::string base = temp_path_of(output_, dead).string();
  std::error_code ignored;                                // best effort: the dead writer's half-written files
  fs::remove(candidate_path(lock_path_, dead), ignored);  // when it died before removing it
  fs::remove(base, ignored);
  for (const std::string& suffix : suffixes) fs::remove(base + suffix, ignored);
}

OutputClaim OutputClaim::acquire(const fs::path& output, const std::vector<std::string>& temp_suffixes) {
  const ClaimOwner me{static_cast<long>(::getpid()), host_name(), utc_now()};
  const fs::path lock = lock_path_of(output);
  const fs::path candidate = candidate_path(lock, me);
  OutputClaim claim(output, write_candidate(candidate, me), me);
  std::optional<ClaimOwner> holder;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    if (::link(candidate.c_str(), lock.c_str()) == 0) {
      ::unlink(candidate.c_str());
      if (claim.taken_over_) claim.remove_temporaries_of(*claim.taken_over_, temp_suffixes);
      return claim;
    }
    if (errno != EEXIST) {
      const int error = errno;
      ::unlink(candidate.c_str());
      throw IoError(lock.string() + ": cannot claim the output: " + errno_text(error));
    }
    const Probe probe = probe_claim(lock, me.host);
    holder = probe.owner;
    if (probe.state == ClaimState::kHeld) break;
    if (probe.state == ClaimState::kStale) claim.taken_over_ = probe.owner;
    if (probe.state == ClaimState::kDying) ::usleep(20000);  // another writer is taking it over
  }
  ::unlink(candidate.c_str());
  throw IoError(in_use_message(output, lock, holder));
}

}  // namespace qg
