#include "store_claim.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "qg/core/error.hpp"
#include "qg/core/time.hpp"

namespace qg::results {
namespace {

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "unknown-host";
  return name;
}

std::string read_holder(const std::filesystem::path& lock) {
  std::ifstream in(lock);
  std::string line;
  std::getline(in, line);
  return line;
}

//! "PID HOST TIME\n" of this process.
std::string this_holder() { return std::to_string(getpid()) + " " + host_name() + " " + utc_now() + "\n"; }

bool write_all(int fd, const std::string& text) {
  return ::pwrite(fd, text.data(), text.size(), 0) == static_cast<ssize_t>(text.size());
}

//! True when `fd` is still the file at `path` (not unlinked or replaced meanwhile).
bool same_file(int fd, const std::filesystem::path& path) {
  struct stat open_file {
  }, at_path{};
  return ::fstat(fd, &open_file) == 0 && ::stat(path.c_str(), &at_path) == 0 && open_file.st_ino == at_path.st_ino &&
         open_file.st_dev == at_path.st_dev;
}

}  // namespace

std::filesystem::path StoreClaim::lock_path(const std::filesystem::path& store) { return store.string() + ".lock"; }

std::filesystem::path StoreClaim::unique_temporary(const std::filesystem::path& store) {
  return temporary_of(store, host_name(), getpid());
}

std::filesystem::path StoreClaim::temporary_of(const std::filesystem::path& store, const std::string& host, long pid) {
  return store.string() + "." + host + "." + std::to_string(pid) + ".tmp";
}

StoreClaim::StoreClaim(const std::filesystem::path& store) : store_(store), lock_(lock_path(store)) {
  if (try_create() || try_take_over()) return;
  std::istringstream fields(read_holder(lock_));
  std::string pid, host, since;
  fields >> pid >> host >> since;
  throw IoError(store.string() + ": in use by process " + pid + " on host " + host + " since " + since +
                " (its claim is " + lock_.string() + "; delete that file only if the process is gone)");
}

StoreClaim::~StoreClaim() {
  std::error_code ignored;
  std::filesystem::remove(lock_, ignored);  // before the lock is released: see try_take_over
  ::close(fd_);
}

bool StoreClaim::try_create() {
  fd_ = ::open(lock_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    if (errno == EEXIST) return false;
    throw IoError(lock_.string() + ": cannot create the store's lock file: " + std::strerror(errno));
  }
  // The holder keeps an advisory lock for its lifetime, so a claim whose holder died can be
  // taken over by exactly one contender (try_take_over).
  ::flock(fd_, LOCK_EX | LOCK_NB);
  if (!write_all(fd_, this_holder())) {
    std::filesystem::remove(lock_);
    ::close(fd_);
    throw IoError(lock_.string() + ": cannot write the store's lock file");
  }
  return true;
}

bool StoreClaim::try_take_over() {
  // Only a claim naming a process of this host that no longer exists, and only by the one
  // contender that gets its advisory lock; the file must still be the one at the path.
  const std::string dead = read_holder(lock_);
  if (!holder_is_gone(dead)) return false;
  const int fd = ::open(lock_.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0 || !same_file(fd, lock_) || !holder_is_gone(read_holder(lock_)) ||
      ::ftruncate(fd, 0) != 0 || !write_all(fd, this_holder())) {
    ::close(fd);
    return false;
  }
  fd_ = fd;
  // The dead writer's temporary files are garbage now.
  std::istringstream fields(dead);
  long pid = 0;
  std::string host;
  fields >> pid >> host;
  std::error_code ignored;
  std::filesystem::remove(temporary_of(store_, host, pid), ignored);
  std::filesystem::remove(temporary_of(store_, host, pid).string() + ".scratch", ignored);
  return true;
}

bool StoreClaim::holder_is_gone(const std::string& holder) const {
  std::istringstream fields(holder);
  long pid = 0;
  std::string host;
  if (!(fields >> pid >> host) || pid <= 0 || host != host_name()) return false;
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

}  // namespace qg::results
