#pragma once
// Which tasks of a stage to hand out next: guided self-scheduling (chunks shrink as the
// stage drains, so a slow rank never holds the stage's tail), a bounded look-ahead window
// (results may arrive out of order, and the coordinator buffers at most `window` tasks past
// the reduced prefix), re-queued chunks of lost workers, and ranges already done (resume).
#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>

namespace qg::coordinator {

//! Tasks [first, first+count).
struct TaskRange {
  std::uint64_t first = 0;
  std::uint64_t count = 0;
  std::uint64_t end() const { return first + count; }
  bool operator==(const TaskRange&) const = default;
};

class ChunkScheduler {
 public:
  //! n_tasks in the stage; fixed_chunk > 0 fixes the chunk size; max_chunk caps guided
  //! chunks; window caps how far past the reduced prefix a chunk may reach (>= 1). A chunk
  //! never exceeds ceil(n_tasks / n_workers); a guided chunk holds at least
  //! threads_per_worker tasks (when max_chunk and the stage allow), since a worker runs a
  //! chunk's tasks on its threads and waits for the last before it takes the next chunk.
  ChunkScheduler(std::uint64_t n_tasks, int n_workers, std::uint64_t fixed_chunk, std::uint64_t max_chunk,
                 std::uint64_t window, int threads_per_worker = 1);

  //! Never hand out [first, first+count) (already received, e.g. replayed from a journal).
  void mark_covered(TaskRange range);
  //! The next chunk to hand out when tasks below `reduced` are reduced, or nullopt when none
  //! can be handed out now (all issued, or the window is full). `queued`: the chunk would wait
  //! in its worker's pipeline behind another (WorkerPool); it is handed out only while the tasks
  //! left to issue after it are at least n_workers times its size, so that the stage's last
  //! chunks go to workers that wait for work (a re-queued chunk is handed out either way).
  std::optional<TaskRange> next(std::uint64_t reduced, bool queued = false);
  //! The smallest guided chunk from now on (the coordinator raises it from measured task and
  //! service times so that rank 0 keeps up; chunk_rule.hpp). The caps above still apply; a
  //! fixed chunk size ignores it.
  void set_min_chunk(std::uint64_t tasks) { min_chunk_ = std::max<std::uint64_t>(1, tasks); }
  //! Hands `range` out again (its worker is presumed lost).
  void requeue(TaskRange range);
  //! True when every task has been handed out and nothing waits for re-issue.
  bool drained() const { return cursor_ >= n_tasks_ && requeued_.empty(); }

 private:
  std::uint64_t chunk_size(std::uint64_t remaining) const;
  void skip_covered();

  std::uint64_t n_tasks_;
  int n_workers_;
  std::uint64_t threads_;
  std::uint64_t fixed_chunk_;
  std::uint64_t max_chunk_;
  std::uint64_t window_;
  std::uint64_t min_chunk_ = 1;
  std::uint64_t cursor_ = 0;                        // lowest task not yet handed out, covered ranges aside
  std::uint64_t covered_tasks_ = 0;                 // tasks at or past cursor_ inside covered ranges
  std::map<std::uint64_t, std::uint64_t> covered_;  // first -> end, disjoint
  std::deque<TaskRange> requeued_;
};

}  // namespace qg::coordinator
