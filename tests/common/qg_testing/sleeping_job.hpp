#pragma once
// Tasks of a controlled duration for the scaling benchmark (bench/coordinator_scaling.py): a Job
// that delegates to another and sleeps a fixed time before each task. A sleeping worker leaves
// the cores to rank 0, so many oversubscribed workers on a small machine behave like workers on
// cores of their own, and rank 0's dispatch rate is what limits the run.
#include <chrono>
#include <thread>

#include "qg/jobs/job.hpp"

namespace qg::testing {

class SleepingJob final : public jobs::Job {
 public:
  SleepingJob(const jobs::Job& inner, std::chrono::microseconds per_task) : inner_(inner), per_task_(per_task) {}
  const jobs::SpecHeader& header() const override { return inner_.header(); }
  const jobs::JobKind& kind() const override { return inner_.kind(); }
  std::uint32_t num_stages() const override { return inner_.num_stages(); }
  std::uint64_t num_tasks(std::uint32_t s, jobs::StageInput in) const override { return inner_.num_tasks(s, in); }
  std::size_t max_task_values(std::uint32_t s, jobs::StageInput in) const override {
    return inner_.max_task_values(s, in);
  }
  void run_task(std::uint32_t stage, jobs::StageInput input, std::uint64_t task,
                std::vector<double>& out) const override {
    std::this_thread::sleep_for(per_task_);
    inner_.run_task(stage, input, task, out);
  }
  std::unique_ptr<jobs::Reducer> make_reducer(results::RunFile& out) const override { return inner_.make_reducer(out); }

 private:
  const jobs::Job& inner_;
  std::chrono::microseconds per_task_;
};

}  // namespace qg::testing
