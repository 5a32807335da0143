#include "store_claim.hpp"

#include <fcntl.h>
#include <signal.h>
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

}  // namespace

std::filesystem::path StoreClaim::lock_path(const std::filesystem::path& store) { return store.string() + ".lock"; }

std::filesystem::path StoreClaim::unique_temporary(const std::filesystem::path& store) {
  return store.string() + "." + host_name() + "." + std::to_string(getpid()) + ".tmp";
}

StoreClaim::StoreClaim(const std::filesystem::path& store) : lock_(lock_path(store)) {
  if (try_create()) return;
  const std::string holder = read_holder(lock_);
  if (holder_is_gone(holder)) {
    std::filesystem::remove(lock_);  // a writer that died here: its claim is void
    if (try_create()) return;
  }
  std::istringstream fields(read_holder(lock_));
  std::string pid, host, since;
  fields >> pid >> host >> since;
  throw IoError(store.string() + ": in use by process " + pid + " on host " + host + " since " + since +
                " (its claim is " + lock_.string() + "; delete that file only if the process is gone)");
}

StoreClaim::~StoreClaim() {
  std::error_code ignored;
  std::filesystem::remove(lock_, ignored);
}

bool StoreClaim::try_create() {
  const int fd = ::open(lock_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == EEXIST) return false;
    throw IoError(lock_.string() + ": cannot create the store's lock file: " + std::strerror(errno));
  }
  const std::string holder = std::to_string(getpid()) + " " + host_name() + " " + utc_now() + "\n";
  const bool written = ::write(fd, holder.data(), holder.size()) == static_cast<ssize_t>(holder.size());
  ::close(fd);
  if (!written) {
    std::filesystem::remove(lock_);
    throw IoError(lock_.string() + ": cannot write the store's lock file");
  }
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
