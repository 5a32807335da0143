#include "checked_output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "qg/core/error.hpp"

namespace qg::app {
namespace {

constexpr std::size_t kBufferBytes = std::size_t{1} << 16;

//! True when `path` exists and is not a regular file (a device, a FIFO, /dev/stdout).
bool is_special(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode);
}

//! The reader of a pipe went away (`quantgrid results top RUN | head -1`): it took what it
//! wanted, so end quietly the way a process killed by SIGPIPE does (a shell reports 141), also
//! when the parent left SIGPIPE ignored, where write() fails with EPIPE instead of killing us.
[[noreturn]] void end_on_broken_pipe() {
  sigset_t pipe_only;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  ::sigprocmask(SIG_UNBLOCK, &pipe_only, nullptr);
  std::signal(SIGPIPE, SIG_DFL);
  std::raise(SIGPIPE);
  std::_Exit(128 + SIGPIPE);  // not reached
}

}  // namespace

CheckedOutput::CheckedOutput(const std::string& path)
    : name_(path.empty() ? "standard output" : path), path_(path), buffer_(kBufferBytes), stream_(this) {
  setp(buffer_.data(), buffer_.data() + buffer_.size());
  if (path.empty()) {
    std::cout.flush();  // keep anything printed before in order
    fd_ = STDOUT_FILENO;
    return;
  }
  if (!is_special(path)) tmp_ = path + ".tmp-" + std::to_string(::getpid());
  const std::string& target = tmp_.empty() ? path : tmp_;
  fd_ = ::open(target.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) fail("cannot create " + target, errno);
}

CheckedOutput::~CheckedOutput() {
  if (fd_ >= 0 && fd_ != STDOUT_FILENO) ::close(fd_);
  if (!tmp_.empty()) ::unlink(tmp_.c_str());
}

bool CheckedOutput::drain() {
  const char* p = pbase();
  while (p < pptr() && error_ == 0) {
    const ssize_t n = ::write(fd_, p, static_cast<std::size_t>(pptr() - p));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EPIPE) end_on_broken_pipe();
    if (n <= 0) error_ = n < 0 ? errno : EIO;
    p += n > 0 ? n : 0;
  }
  setp(buffer_.data(), buffer_.data() + buffer_.size());  // after a failure, later output is dropped
  return error_ == 0;
}

int CheckedOutput::overflow(int c) {
  if (!drain()) return traits_type::eof();
  if (c != traits_type::eof()) {
    *pptr() = static_cast<char>(c);
    pbump(1);
  }
  return traits_type::not_eof(c);
}

int CheckedOutput::sync() { return drain() ? 0 : -1; }

void CheckedOutput::commit() {
  stream_.flush();
  if (!drain() || !stream_) fail("write failed", error_ != 0 ? error_ : EIO);
  if (fd_ == STDOUT_FILENO) return;
  if (!tmp_.empty() && ::fsync(fd_) != 0) fail("write failed", errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail("write failed", errno);
  if (tmp_.empty()) return;
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) fail("cannot rename " + tmp_ + " to it", errno);
  tmp_.clear();
}

void CheckedOutput::fail(const std::string& what, int error) const {
  throw IoError(name_ + ": " + what + ": " + std::strerror(error));
}

}  // namespace qg::app
