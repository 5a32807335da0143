#include "scheduler_warm_up.hpp"

#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

namespace qg::app {
namespace {

//! One parallel loop of `threads` empty iterations in an arena of that many threads: the
//! scheduler is created and asked for threads - 1 workers, which stay in its pool when the
//! arena ends.
void warm_up(int threads) {
  try {
    const int n = threads > 0 ? threads : tbb::info::default_concurrency();
    tbb::task_arena arena(n);
    arena.execute([n] { tbb::parallel_for(0, n, [](int) {}); });
  } catch (...) {
    // the run creates the scheduler itself, and reports what fails then
  }
}

}  // namespace

SchedulerWarmUp::SchedulerWarmUp(int threads) : thread_(warm_up, threads) {}

SchedulerWarmUp::~SchedulerWarmUp() { thread_.join(); }

}  // namespace qg::app
