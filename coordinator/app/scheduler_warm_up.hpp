#pragma once
// TBB's first parallel loop in a process creates its scheduler: the market, a search for its
// resource manager (libirml, absent: 46 paths tried), a probe for libiomp5 and the worker
// threads, about a millisecond on an idle machine that a short run otherwise pays inside its
// first stage (docs/performance.md, section 6). `quantgrid run` starts that work on a thread of
// its own while the main thread reads the spec and the store; the first stage finds the
// scheduler and its workers ready. Nothing a run computes depends on it.
#include <thread>

namespace qg::app {

class SchedulerWarmUp {
 public:
  //! Starts the warm-up for `threads` threads per process (0: every core).
  explicit SchedulerWarmUp(int threads);
  //! Waits for the warm-up (done long before a run is).
  ~SchedulerWarmUp();
  SchedulerWarmUp(const SchedulerWarmUp&) = delete;
  SchedulerWarmUp& operator=(const SchedulerWarmUp&) = delete;

 private:
  std::thread thread_;
};

}  // namespace qg::app
