#pragma once
// Appends rows to a results table from a thread of its own: the caller gathers rows in one buffer
// while the thread hands the other to the table (the column gather, the SHA-256 column digests and
// the HDF5 write of a full chunk). On a sweep of many tiny tasks these were most of rank 0's reduce
// per task (docs/performance.md, section 3).
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace qg::results {
class TableWriter;
}

namespace qg::jobs {

class BackgroundAppender {
 public:
  //! Appends to `table`, which must outlive this appender and take no other appends meanwhile.
  explicit BackgroundAppender(results::TableWriter& table);
  BackgroundAppender(const BackgroundAppender&) = delete;
  BackgroundAppender& operator=(const BackgroundAppender&) = delete;
  //! Waits for the hand-over in progress (its error is dropped: a destructor does not throw) and
  //! stops the thread; rows not handed over are not appended.
  ~BackgroundAppender();

  //! The rows (row-major doubles) gathered for the next hand-over; the caller appends in place.
  std::vector<double>& rows() { return filling_; }
  //! Hands the gathered rows to the thread and returns, unless the thread still appends the
  //! previous hand-over (then it waits for that one). Rethrows what an earlier append threw.
  void hand_over();
  //! Waits until every hand-over is in the table; rethrows what an append threw.
  void wait();

 private:
  void run();
  void rethrow_if_failed();  // with the lock held

  results::TableWriter& table_;
  std::vector<double> filling_;    // the caller's
  std::vector<double> appending_;  // the thread's while `pending_`
  std::mutex mutex_;
  std::condition_variable work_;  // to the thread: a hand-over or the stop
  std::condition_variable done_;  // to the caller: the hand-over is appended
  bool pending_ = false;
  bool stopping_ = false;
  std::exception_ptr error_;  // the first append that threw
  std::thread thread_;
};

}  // namespace qg::jobs
