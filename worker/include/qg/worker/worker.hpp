#pragma once
// Ranks >= 1: receive the job once, then chunks; run each chunk's tasks on all local cores;
// send the records back; report task errors instead of dying.
#include <cstdint>

#include "qg/cluster/transport.hpp"
#include "qg/jobs/job.hpp"

namespace qg::worker {

//! What a worker did, for the log and the tests.
struct WorkerStats {
  std::uint64_t chunks = 0;
  std::uint64_t tasks = 0;
  std::uint64_t failed_tasks = 0;
  double busy_seconds = 0.0;
  bool rank_lost = false;  // the stop said a rank was lost during the run
};

//! Runs tasks [first, first+count) of `stage` in parallel (TBB) into `result`. A task that
//! throws becomes a TaskError; the others complete. Records are placed in task-id order.
void run_chunk(const jobs::Job& job, std::uint32_t stage, jobs::StageInput input, std::uint64_t first,
               std::uint64_t count, cluster::ChunkResult& result);

//! The worker loop: asks the coordinator for work, runs it, returns results, until told to
//! stop. On entry the job is built; returns when the coordinator sends stop.
WorkerStats serve(const jobs::Job& job, cluster::Transport& transport);

}  // namespace qg::worker
