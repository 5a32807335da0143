#pragma once
// A thread of its own that consumes what its caller hands it, double-buffered: the caller fills
// one buffer in place while the thread consumes the other, so the caller's turn does not pay for
// the consuming (a file's page-cache writes, a table's HDF5 writes). A hand-over waits only when
// the thread still consumes the previous one. What the consumer throws reaches the caller at its
// next hand_over() or wait(), and the thread consumes nothing after it. The journal's writer and
// the sweep reducer's table appends use it (docs/performance.md, section 3).
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

namespace qg {

template <class Buffer>
class HandOffThread {
 public:
  //! `consume(buffer, flag)` runs on the thread for every hand-over, with the hand-over's flag;
  //! the buffer is cleared after it.
  using Consume = std::function<void(Buffer&, bool)>;

  explicit HandOffThread(Consume consume) : consume_(std::move(consume)) {
    thread_ = std::thread([this] { run(); });
  }
  HandOffThread(const HandOffThread&) = delete;
  HandOffThread& operator=(const HandOffThread&) = delete;
  //! Waits for the hand-over in progress (its error is dropped: a destructor does not throw) and
  //! stops the thread; what was not handed over is not consumed.
  ~HandOffThread() {
    {
      std::unique_lock lock(mutex_);
      done_.wait(lock, [&] { return !pending_; });
      stopping_ = true;
    }
    work_.notify_one();
    thread_.join();
  }

  //! The buffer the caller fills for the next hand-over (it keeps its capacity between them).
  Buffer& filling() { return filling_; }

  //! Hands the filled buffer to the thread and returns, unless the thread still consumes the
  //! previous hand-over (then it waits for that one). An empty buffer is handed over only with
  //! `flag` set. Rethrows what an earlier consume threw.
  void hand_over(bool flag = false) {
    if (filling_.empty() && !flag) return;
    {
      std::unique_lock lock(mutex_);
      done_.wait(lock, [&] { return !pending_; });
      rethrow_if_failed();
      std::swap(filling_, consuming_);
      flag_ = flag;
      pending_ = true;
    }
    filling_.clear();
    work_.notify_one();
  }

  //! Waits until every hand-over is consumed; rethrows what a consume threw.
  void wait() {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return !pending_; });
    rethrow_if_failed();
  }

 private:
  void rethrow_if_failed() const {  // with the lock held
    if (error_) std::rethrow_exception(error_);
  }

  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      work_.wait(lock, [&] { return pending_ || stopping_; });
      if (!pending_) return;
      const bool flag = flag_;
      const bool failed = error_ != nullptr;
      lock.unlock();
      std::exception_ptr error;
      try {
        if (!failed) consume_(consuming_, flag);  // after a failure: dropped
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      consuming_.clear();
      if (!error_) error_ = error;
      pending_ = false;
      done_.notify_all();
    }
  }

  Consume consume_;
  Buffer filling_;    // the caller's
  Buffer consuming_;  // the thread's while `pending_`
  std::mutex mutex_;
  std::condition_variable work_;  // to the thread: a hand-over or the stop
  std::condition_variable done_;  // to the caller: the hand-over is consumed
  bool pending_ = false;
  bool flag_ = false;
  bool stopping_ = false;
  std::exception_ptr error_;  // the first consume that threw
  std::thread thread_;
};

}  // namespace qg
