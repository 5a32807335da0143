#pragma once
// Appends bytes to a file from a thread of its own, so that the caller's turn does not pay for
// the kernel's side of a write (page-cache pages, a new one for every 4 KiB of file, and
// fdatasync). The caller builds its bytes in a buffer in memory and hands it over; the thread
// writes it (and syncs) while the caller fills the other buffer. The journal uses it: on a run of
// many tiny chunks, writing each record's bytes into the page cache was about half of rank 0's
// work per chunk (docs/performance.md, section 3).
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace qg::coordinator {

class BackgroundFileWriter {
 public:
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
  std::vector<char>& buffer() { return filling_; }
  //! Hands the buffer's bytes to the thread, which writes them, then fdatasyncs when `sync`.
  //! Returns at once, unless the thread is still writing the previous hand-over (then it waits
  //! for that one). Throws IoError when an earlier write or sync failed.
  void hand_over(bool sync);
  //! Waits until everything handed over is written (and synced when asked). Throws IoError when
  //! a write or sync failed.
  void wait();
  //! Drops the bytes not handed over yet (the file is about to be deleted).
  void discard() { filling_.clear(); }

 private:
  //! The thread: writes each hand-over until told to stop.
  void run();
  //! Writes `writing_` (and syncs when `sync`); returns the error text, empty on success.
  std::string write_out(bool sync);
  //! Throws IoError when the thread has failed (called with the lock held).
  void throw_if_failed() const;

  int fd_;
  std::filesystem::path path_;
  std::string what_;
  std::vector<char> filling_;  // the caller's
  std::vector<char> writing_;  // the thread's while `pending_`
  std::mutex mutex_;
  std::condition_variable work_;  // to the thread: a hand-over or the stop
  std::condition_variable done_;  // to the caller: the hand-over is written
  bool pending_ = false;
  bool sync_ = false;
  bool stopping_ = false;
  std::string error_;  // the first failure, for the caller
  std::thread thread_;
};

}  // namespace qg::coordinator
