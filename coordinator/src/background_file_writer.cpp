#include "qg/coordinator/background_file_writer.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "qg/core/error.hpp"

namespace qg::coordinator {

BackgroundFileWriter::BackgroundFileWriter(int fd, std::filesystem::path path, std::string what)
    : fd_(fd),
      path_(std::move(path)),
      what_(std::move(what)),
      hand_off_([this](std::vector<char>& bytes, bool sync) { write_out(bytes, sync); }, kDepth) {}

BackgroundFileWriter::~BackgroundFileWriter() {
  try {
    hand_off_.hand_over(false);
    hand_off_.wait();
  } catch (const IoError&) {  // what is left is lost; the journal's reader drops a torn tail
  }
  ::close(fd_);  // nothing is being written: the thread waits for a hand-over that will not come
}

void BackgroundFileWriter::write_out(const std::vector<char>& bytes, bool sync) const {
  const char* p = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw IoError(path_.string() + ": cannot write " + what_ + ": " + std::strerror(n < 0 ? errno : EIO));
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (sync && ::fdatasync(fd_) != 0)
    throw IoError(path_.string() + ": cannot sync " + what_ + ": " + std::strerror(errno));
}

}  // namespace qg::coordinator
