#pragma once
// Fault injection for tests: a Job that delegates to another but throws for chosen tasks.
// The production worker has no such switch; tests wrap the job they hand to the runtime.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include "qg/jobs/job.hpp"

namespace qg::testing {

using TaskIds = std::set<std::pair<std::uint32_t, std::uint64_t>>;  // (stage, task)

class FailingJob final : public jobs::Job {
 public:
  FailingJob(const jobs::Job& inner, TaskIds fail) : inner_(inner), fail_(std::move(fail)) {}
  const jobs::SpecHeader& header() const override { return inner_.header(); }
  const jobs::JobKind& kind() const override { return inner_.kind(); }
  std::uint32_t num_stages() const override { return inner_.num_stages(); }
  std::uint64_t num_tasks(std::uint32_t s, jobs::StageInput in) const override { return inner_.num_tasks(s, in); }
  std::size_t max_task_values(std::uint32_t s, jobs::StageInput in) const override {
    return inner_.max_task_values(s, in);
  }
  void run_task(std::uint32_t stage, jobs::StageInput input, std::uint64_t task,
                std::vector<double>& out) const override {
    if (fail_.count({stage, task}) != 0) throw std::runtime_error("injected failure");
    inner_.run_task(stage, input, task, out);
  }
  std::unique_ptr<jobs::Reducer> make_reducer(results::RunFile& out) const override { return inner_.make_reducer(out); }

 private:
  const jobs::Job& inner_;
  TaskIds fail_;
};

//! Parses "STAGE:TASK,STAGE:TASK" (the QG_FAIL_TASKS variable of the test binary).
inline TaskIds parse_task_ids(const std::string& text) {
  TaskIds out;
  std::stringstream list(text);
  std::string item;
  while (std::getline(list, item, ',')) {
    const auto colon = item.find(':');
    if (colon == std::string::npos) throw std::invalid_argument("expected STAGE:TASK, got '" + item + "'");
    out.emplace(static_cast<std::uint32_t>(std::stoul(item.substr(0, colon))), std::stoull(item.substr(colon + 1)));
  }
  return out;
}

}  // namespace qg::testing
