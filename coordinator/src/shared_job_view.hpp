#pragma once
// The worker's side of a job that a coordinator thread of the same process owns.
#include <memory>

#include "qg/jobs/job.hpp"

namespace qg::coordinator::detail {

//! Forwards every query and task of `job` unchanged, and ignores set_stage_input: the
//! coordinator sets a stage's input on the shared job before it sends the first chunk of that
//! stage through the transport (whose hand-over orders the write before the worker's reads),
//! so the worker must not write it a second time while other threads read it.
class SharedJobView final : public jobs::Job {
 public:
  explicit SharedJobView(const jobs::Job& job) : job_(job) {}

  const jobs::SpecHeader& header() const override { return job_.header(); }
  std::uint32_t num_stages() const override { return job_.num_stages(); }
  std::uint64_t num_tasks(std::uint32_t stage) const override { return job_.num_tasks(stage); }
  std::size_t max_task_values(std::uint32_t stage) const override { return job_.max_task_values(stage); }
  void run_task(std::uint32_t stage, std::uint64_t task, std::vector<double>& out) const override {
    job_.run_task(stage, task, out);
  }
  void set_stage_input(std::uint32_t, std::vector<double>) override {}
  std::unique_ptr<jobs::Reducer> make_reducer(results::RunFile& out) const override { return job_.make_reducer(out); }

 private:
  const jobs::Job& job_;
};

}  // namespace qg::coordinator::detail
