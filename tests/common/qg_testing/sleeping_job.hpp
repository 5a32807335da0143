#pragma once
// Tasks of a controlled duration for the scaling benchmark (bench/coordinator_scaling.py): a Job
// that delegates to another and sleeps a fixed time before each task. A sleeping worker leaves
// the cores to rank 0, so many oversubscribed workers on a small machine behave like workers on
// cores of their own, and rank 0's dispatch rate is what limits the run.
#include <chrono>
#include <thread>

#include "qg_testing/delegating_job.hpp"

namespace qg::testing {

class SleepingJob final : public DelegatingJob {
 public:
  SleepingJob(const jobs::Job& inner, std::chrono::microseconds per_task) : DelegatingJob(inner), per_task_(per_task) {}
  void run_task(std::uint32_t stage, jobs::StageInput input, std::uint64_t task,
                std::vector<double>& out) const override {
    std::this_thread::sleep_for(per_task_);
    DelegatingJob::run_task(stage, input, task, out);
  }

 private:
  std::chrono::microseconds per_task_;
};

}  // namespace qg::testing
