#include "qg/coordinator/background_file_writer.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "qg/core/error.hpp"

namespace qg::coordinator {

BackgroundFileWriter::BackgroundFileWriter(int fd, std::filesystem::path path, std::string what)
    : fd_(fd), path_(std::move(path)), what_(std::move(what)) {
  thread_ = std::thread([this] { run(); });
}

BackgroundFileWriter::~BackgroundFileWriter() {
  try {
    hand_over(false);
  } catch (const IoError&) {  // what is left is lost; the journal's reader drops a torn tail
  }
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_one();
  thread_.join();
  ::close(fd_);
}

void BackgroundFileWriter::hand_over(bool sync) {
  if (filling_.empty() && !sync) return;
  {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return !pending_; });
    throw_if_failed();
    std::swap(filling_, writing_);
    pending_ = true;
    sync_ = sync;
  }
  filling_.clear();
  work_.notify_one();
}

void BackgroundFileWriter::wait() {
  std::unique_lock lock(mutex_);
  done_.wait(lock, [&] { return !pending_; });
  throw_if_failed();
}

void BackgroundFileWriter::throw_if_failed() const {
  if (!error_.empty()) throw IoError(path_.string() + ": " + error_);
}

void BackgroundFileWriter::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    work_.wait(lock, [&] { return pending_ || stopping_; });
    if (!pending_) return;
    const bool sync = sync_;
    const bool failed = !error_.empty();
    lock.unlock();
    const std::string error = failed ? std::string() : write_out(sync);  // after a failure: dropped
    lock.lock();
    writing_.clear();
    if (error_.empty()) error_ = error;
    pending_ = false;
    done_.notify_all();
  }
}

std::string BackgroundFileWriter::write_out(bool sync) {
  const char* p = writing_.data();
  std::size_t left = writing_.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return "cannot write " + what_ + ": " + std::strerror(n < 0 ? errno : EIO);
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (sync && ::fdatasync(fd_) != 0) return "cannot sync " + what_ + ": " + std::strerror(errno);
  return {};
}

}  // namespace qg::coordinator
