#pragma once
// Tasks that every rank of a run computes together (a data-parallel fit: each rank adds the
// block sums of its shard of the rows through a BlockReduction). A job offers them by also
// deriving from CollectiveTasks; the coordinator runs each one at the start of its stage: it
// waits for every worker to be idle, sends each a collective assignment, runs rank 0's share
// itself, and takes rank 0's record as the task's result. Such a task must also be computable
// by run_task alone (the same bits), which is what a run without workers does.
#include <cstdint>
#include <vector>

#include "qg/jobs/block_reduction.hpp"
#include "qg/jobs/job.hpp"

namespace qg::jobs {

class CollectiveTasks {
 public:
  virtual ~CollectiveTasks() = default;
  //! The collective tasks of `stage`, ascending (usually none).
  virtual std::vector<std::uint64_t> collective_tasks(std::uint32_t stage, StageInput input) const = 0;
  //! Rank `rank` of `ranks`'s share of collective task `task`. On rank 0, `out` is the task's
  //! record. Every rank reaches the same outcome: an exception is thrown on every rank alike,
  //! after the last reduction.
  virtual void run_collective(std::uint32_t stage, StageInput input, std::uint64_t task, int rank, int ranks,
                              BlockReduction& reduce, std::vector<double>& out) const = 0;
};

}  // namespace qg::jobs
