#include "qg/coordinator/scheduler.hpp"

#include <algorithm>

#include "qg/core/error.hpp"

namespace qg::coordinator {

ChunkScheduler::ChunkScheduler(std::uint64_t n_tasks, int n_workers, std::uint64_t fixed_chunk, std::uint64_t max_chunk,
                               std::uint64_t window, int threads_per_worker)
    : n_tasks_(n_tasks),
      n_workers_(std::max(1, n_workers)),
      threads_(static_cast<std::uint64_t>(std::max(1, threads_per_worker))),
      fixed_chunk_(fixed_chunk),
      max_chunk_(std::max<std::uint64_t>(1, max_chunk)),
      window_(std::max<std::uint64_t>(1, window)) {}

void ChunkScheduler::mark_covered(TaskRange range) {
  if (range.count == 0) return;
  QG_CHECK(range.end() <= n_tasks_, "covered range past the end of the stage");
  covered_[range.first] = range.end();
  if (range.first >= cursor_) covered_tasks_ += range.count;
  skip_covered();
}

void ChunkScheduler::skip_covered() {
  for (auto it = covered_.begin(); it != covered_.end() && it->first <= cursor_;) {
    if (it->second > cursor_) {
      covered_tasks_ -= it->second - std::max(it->first, cursor_);
      cursor_ = it->second;
    }
    it = covered_.erase(it);
  }
}

std::uint64_t ChunkScheduler::chunk_size(std::uint64_t remaining) const {
  // No chunk holds more than a worker's even share of the stage, so no worker idles while
  // another holds work it could have had.
  const auto workers = static_cast<std::uint64_t>(n_workers_);
  const std::uint64_t even_share = std::max<std::uint64_t>(1, (n_tasks_ + workers - 1) / workers);
  if (fixed_chunk_ > 0) return std::min(fixed_chunk_, even_share);
  // Guided: a share of what is left, so chunks shrink as the stage drains; at least one task
  // per thread of the worker (a chunk is a barrier: a smaller one leaves threads idle), and at
  // least the size that keeps rank 0 from saturating (set_min_chunk).
  const std::uint64_t share = (remaining + 2 * workers - 1) / (2 * workers);
  return std::min({std::max({share, threads_, min_chunk_}), even_share, max_chunk_});
}

std::optional<TaskRange> ChunkScheduler::next(std::uint64_t reduced, bool queued) {
  if (!requeued_.empty()) {
    auto r = requeued_.front();
    requeued_.pop_front();
    return r;
  }
  skip_covered();
  if (cursor_ >= n_tasks_) return std::nullopt;
  const std::uint64_t limit = std::min(n_tasks_, reduced + window_);
  if (cursor_ >= limit) return std::nullopt;  // window full: wait for the prefix to advance
  const std::uint64_t remaining = n_tasks_ - cursor_ - covered_tasks_;
  std::uint64_t end = std::min(limit, cursor_ + chunk_size(remaining));
  if (!covered_.empty()) end = std::min(end, covered_.begin()->first);  // stop at the next done range
  TaskRange r{cursor_, end - cursor_};
  // A queued chunk waits behind its worker's current one: only while every other worker could
  // still get a chunk as large after it, so the stage's last chunks go to workers that wait.
  if (queued && remaining - r.count < static_cast<std::uint64_t>(n_workers_) * r.count) return std::nullopt;
  cursor_ = end;
  return r;
}

void ChunkScheduler::requeue(TaskRange range) { requeued_.push_back(range); }

}  // namespace qg::coordinator
