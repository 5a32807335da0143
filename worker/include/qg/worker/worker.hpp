#pragma once
// Ranks >= 1: receive the job once, then chunks; run each chunk's tasks on all local cores;
// send the records back; report task errors instead of dying.
#include <cstdint>
#include <vector>

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

//! Runs chunks as run_chunk does, straight into the message that carries the result: the records
//! of a chunk of several tasks are copied from each task into place in the message, on the
//! worker's threads, without the result's values in between (a chunk's records are megabytes).
//! Keeps the tasks' record buffers from chunk to chunk.
class ChunkRunner {
 public:
  //! Runs the chunk into `result` (all but the values of a chunk of several tasks, which only the
  //! message holds) and appends its encoding (cluster::encode's bytes) to `message`.
  void run(const jobs::Job& job, std::uint32_t stage, jobs::StageInput input, std::uint64_t first, std::uint64_t count,
           cluster::ChunkResult& result, std::vector<char>& message);

 private:
  std::vector<std::vector<double>> records_;  // task first+i's records
};

//! The worker loop: asks the coordinator for work, runs it, returns results, until told to
//! stop. On entry the job is built; returns when the coordinator sends stop.
WorkerStats serve(const jobs::Job& job, cluster::Transport& transport);

}  // namespace qg::worker
