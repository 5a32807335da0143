#pragma once
// The file a commit's rename(2) replaces, held open across the rename. Replacing a file frees its
// blocks in the rename itself when the rename drops its last link (10-30 ms for a 31 MB run file
// on ext4 mounted with `discard`, nearly all of it waiting for the device); a file still open is
// freed at its last close instead. release() makes that close on a thread of its own, so the
// freeing overlaps what the process does after the commit rather than delaying the commit.
// Nothing already written is at stake: the file stays whole, and linked, until the rename; a
// crash after it leaves an orphan inode that the file system frees when it mounts.
#include <filesystem>
#include <thread>

namespace qg::results {

class RetiredFile {
 public:
  //! Opens `path` for reading when it is a regular file (O_NONBLOCK: a FIFO put there never
  //! blocks the open); holds nothing when it is absent or cannot be opened.
  explicit RetiredFile(const std::filesystem::path& path);
  //! Waits for the closing thread, or closes the file itself when release() was not called.
  ~RetiredFile();
  RetiredFile(const RetiredFile&) = delete;
  RetiredFile& operator=(const RetiredFile&) = delete;

  //! Whether a file is held open.
  bool holds() const { return fd_ >= 0; }
  //! Closes the file on a thread of its own; call it once the rename has replaced the file.
  //! Closes it here when no thread can be started.
  void release() noexcept;

 private:
  int fd_ = -1;
  std::thread closer_;
};

}  // namespace qg::results
