#pragma once
// A Job that forwards everything to another job; test wrappers (FailingJob, SleepingJob) derive
// from it and override run_task alone.
#include <cstdint>
#include <memory>
#include <vector>

#include "qg/jobs/job.hpp"

namespace qg::testing {

class DelegatingJob : public jobs::Job {
 public:
  explicit DelegatingJob(const jobs::Job& inner) : inner_(inner) {}
  const jobs::SpecHeader& header() const override { return inner_.header(); }
  const jobs::JobKind& kind() const override { return inner_.kind(); }
  std::uint32_t num_stages() const override { return inner_.num_stages(); }
  std::uint64_t num_tasks(std::uint32_t s, jobs::StageInput in) const override { return inner_.num_tasks(s, in); }
  std::size_t max_task_values(std::uint32_t s, jobs::StageInput in) const override {
    return inner_.max_task_values(s, in);
  }
  void run_task(std::uint32_t stage, jobs::StageInput input, std::uint64_t task,
                std::vector<double>& out) const override {
    inner_.run_task(stage, input, task, out);
  }
  std::unique_ptr<jobs::Reducer> make_reducer(results::RunFile& out) const override { return inner_.make_reducer(out); }
  bool journals_stage(std::uint32_t stage) const override { return inner_.journals_stage(stage); }

 private:
  const jobs::Job& inner_;
};

}  // namespace qg::testing
