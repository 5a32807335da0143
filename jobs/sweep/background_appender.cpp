#include "sweep/background_appender.hpp"

#include "qg/results/run_file.hpp"

namespace qg::jobs {

BackgroundAppender::BackgroundAppender(results::TableWriter& table) : table_(table) {
  thread_ = std::thread([this] { run(); });
}

BackgroundAppender::~BackgroundAppender() {
  {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return !pending_; });
    stopping_ = true;
  }
  work_.notify_one();
  thread_.join();
}

void BackgroundAppender::hand_over() {
  if (filling_.empty()) return;
  {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return !pending_; });
    rethrow_if_failed();
    std::swap(filling_, appending_);
    pending_ = true;
  }
  filling_.clear();
  work_.notify_one();
}

void BackgroundAppender::wait() {
  std::unique_lock lock(mutex_);
  done_.wait(lock, [&] { return !pending_; });
  rethrow_if_failed();
}

void BackgroundAppender::rethrow_if_failed() {
  if (error_) std::rethrow_exception(error_);
}

void BackgroundAppender::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    work_.wait(lock, [&] { return pending_ || stopping_; });
    if (!pending_) return;
    const bool failed = error_ != nullptr;
    lock.unlock();
    std::exception_ptr error;
    try {
      if (!failed) table_.append(appending_);  // after a failure the table takes nothing more
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    appending_.clear();
    if (!error_) error_ = error;
    pending_ = false;
    done_.notify_all();
  }
}

}  // namespace qg::jobs
