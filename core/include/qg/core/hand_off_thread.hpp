#pragma once
// A thread of its own that consumes what its caller hands it: the caller fills a buffer in place
// while the thread consumes the ones handed over before, so the caller's turn does not pay for the
// consuming (a file's page-cache writes, a table's HDF5 writes). Up to `depth` hand-overs may wait
// or be consumed at once; a hand-over waits only when that many are. Consumed buffers are kept,
// with their capacity, for the caller to fill again. What the consumer throws reaches the caller
// at its next hand_over() or wait(), and the thread consumes nothing after it. The journal's
// writer and the sweep reducer's table appends use it (docs/performance.md, sections 3 and 7).
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace qg {

template <class Buffer>
class HandOffThread {
 public:
  //! `consume(buffer, flag)` runs on the thread for every hand-over, in order, with the
  //! hand-over's flag; the buffer is cleared after it.
  using Consume = std::function<void(Buffer&, bool)>;

  //! `depth` >= 1: how many hand-overs may be outstanding before the next one waits (1: the
  //! caller fills one buffer while the thread consumes the other).
  explicit HandOffThread(Consume consume, std::size_t depth = 1)
      : consume_(std::move(consume)), depth_(depth < 1 ? 1 : depth) {
    thread_ = std::thread([this] { run(); });
  }
  HandOffThread(const HandOffThread&) = delete;
  HandOffThread& operator=(const HandOffThread&) = delete;
  //! Waits for the hand-overs outstanding (their errors are dropped: a destructor does not throw)
  //! and stops the thread; what was not handed over is not consumed.
  ~HandOffThread() {
    {
      std::unique_lock lock(mutex_);
      done_.wait(lock, [&] { return outstanding() == 0; });
      stopping_ = true;
    }
    work_.notify_one();
    thread_.join();
  }

  //! The buffer the caller fills for the next hand-over (a consumed one: it keeps its capacity).
  Buffer& filling() { return filling_; }

  //! Hands the filled buffer to the thread and returns, unless `depth` hand-overs are still
  //! outstanding (then it waits for the oldest). An empty buffer is handed over only with `flag`
  //! set. Rethrows what an earlier consume threw.
  void hand_over(bool flag = false) {
    if (filling_.empty() && !flag) return;
    {
      std::unique_lock lock(mutex_);
      done_.wait(lock, [&] { return outstanding() < depth_; });
      rethrow_if_failed();
      queue_.push_back({std::move(filling_), flag});
      if (spare_.empty()) {
        filling_ = Buffer{};
      } else {
        filling_ = std::move(spare_.back());
        spare_.pop_back();
      }
    }
    filling_.clear();
    work_.notify_one();
  }

  //! Waits until every hand-over is consumed; rethrows what a consume threw.
  void wait() {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return outstanding() == 0; });
    rethrow_if_failed();
  }

 private:
  struct HandOver {
    Buffer buffer;
    bool flag = false;
  };

  std::size_t outstanding() const { return queue_.size() + (consuming_ ? 1 : 0); }  // with the lock held

  void rethrow_if_failed() const {  // with the lock held
    if (error_) std::rethrow_exception(error_);
  }

  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      work_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;
      HandOver item = std::move(queue_.front());
      queue_.pop_front();
      consuming_ = true;
      const bool failed = error_ != nullptr;
      lock.unlock();
      std::exception_ptr error;
      try {
        if (!failed) consume_(item.buffer, item.flag);  // after a failure: dropped
      } catch (...) {
        error = std::current_exception();
      }
      item.buffer.clear();
      lock.lock();
      spare_.push_back(std::move(item.buffer));
      if (!error_) error_ = error;
      consuming_ = false;
      done_.notify_all();
    }
  }

  Consume consume_;
  std::size_t depth_;
  Buffer filling_;              // the caller's
  std::deque<HandOver> queue_;  // handed over, not yet taken by the thread
  std::vector<Buffer> spare_;   // consumed, cleared, to be filled again
  std::mutex mutex_;
  std::condition_variable work_;  // to the thread: a hand-over or the stop
  std::condition_variable done_;  // to the caller: a hand-over is consumed
  bool consuming_ = false;
  bool stopping_ = false;
  std::exception_ptr error_;  // the first consume that threw
  std::thread thread_;
};

}  // namespace qg
