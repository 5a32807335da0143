#pragma once
// Runs a job's stages in task order on one thread through its reducer into an in-memory run
// file, as the coordinator does with any rank count; and reads a numeric attribute back.
#include <string>
#include <variant>
#include <vector>

#include "fake_run_file.hpp"
#include "qg/jobs/job.hpp"

namespace qg::testing {

inline FakeRunFile run_stages(const jobs::Job& job) {
  FakeRunFile file;
  auto reducer = job.make_reducer(file);
  std::vector<double> input, records;
  for (std::uint32_t stage = 0; stage < job.num_stages(); ++stage) {
    for (std::uint64_t t = 0; t < job.num_tasks(stage, input); ++t) {
      job.run_task(stage, input, t, records);
      reducer->consume(stage, t, records);
    }
    input = reducer->end_stage(stage);
  }
  return file;
}

//! Attribute `key` ("GROUP@NAME") as a double, integers converted.
inline double attr(const FakeRunFile& f, const std::string& key) {
  const auto& v = f.attrs.at(key);
  return std::holds_alternative<double>(v) ? std::get<double>(v) : static_cast<double>(std::get<std::int64_t>(v));
}

}  // namespace qg::testing
