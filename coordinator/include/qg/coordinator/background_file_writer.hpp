#pragma once
// Appends bytes to a file from a thread of its own, so that the caller's turn does not pay for
// the kernel's side of a write (page-cache pages, a new one for every 4 KiB of file, and
// fdatasync). The caller builds its bytes in a buffer in memory and hands it over; the thread
// writes it (and syncs) while the caller fills the other buffer. The journal uses it: on a run of
// many tiny chunks, writing each record's bytes into the page cache was about half of rank 0's
// work per chunk (docs/performance.md, section 3).
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "qg/core/hand_off_thread.hpp"

namespace qg::coordinator {

class BackgroundFileWriter {
 public:
  //! Hand-overs that may be outstanding before the next one waits: a sweep's chunk of results is
  //! one record of megabytes, and rank 0 must not wait for its write before it serves the workers
  //! again (docs/performance.md, section 7).
  static constexpr std::size_t kDepth = 16;

  //! Takes ownership of `fd`, an open file written at its current offset (or appended to);
  //! `path` and `what` (say "journal") name it in error messages.
  BackgroundFileWriter(int fd, std::filesystem::path path, std::string what);
  BackgroundFileWriter(const BackgroundFileWriter&) = delete;
  BackgroundFileWriter& operator=(const BackgroundFileWriter&) = delete;
  //! Writes what was not handed over yet (ignoring errors: a destructor does not throw), waits
  //! for the thread and closes the file.
  ~BackgroundFileWriter();

  //! The buffer the next bytes are appended to (in place: it keeps its capacity between
  //! hand-overs). Bytes appended here reach the file after the next hand_over().
  std::vector<char>& buffer() { return hand_off_.filling(); }
  //! Hands the buffer's bytes to the thread, which writes them, then fdatasyncs when `sync`.
  //! Returns at once, unless kDepth hand-overs are still outstanding (then it waits for the
  //! oldest). Throws IoError when an earlier write or sync failed.
  void hand_over(bool sync) { hand_off_.hand_over(sync); }
  //! Waits until everything handed over is written (and synced when asked). Throws IoError when
  //! a write or sync failed.
  void wait() { hand_off_.wait(); }
  //! Drops the bytes not handed over yet (the file is about to be deleted).
  void discard() { hand_off_.filling().clear(); }

 private:
  //! On the thread: writes `bytes` (and syncs when `sync`); throws IoError when it cannot.
  void write_out(const std::vector<char>& bytes, bool sync) const;

  int fd_;
  std::filesystem::path path_;
  std::string what_;
  HandOffThread<std::vector<char>> hand_off_;  // last: its thread stops before the rest goes
};

}  // namespace qg::coordinator
