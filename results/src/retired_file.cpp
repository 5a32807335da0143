#include "retired_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <system_error>

namespace qg::results {

RetiredFile::RetiredFile(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return;
  }
  fd_ = fd;
}

RetiredFile::~RetiredFile() {
  if (closer_.joinable()) closer_.join();
  if (fd_ >= 0) ::close(fd_);
}

void RetiredFile::release() noexcept {
  if (fd_ < 0 || closer_.joinable()) return;
  const int fd = fd_;
  try {
    closer_ = std::thread([fd] { ::close(fd); });
    fd_ = -1;
  } catch (const std::system_error&) {
    // No thread: the destructor closes it on this one, as a rename without it would free it.
  }
}

}  // namespace qg::results
