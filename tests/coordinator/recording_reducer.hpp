#pragma once
// A reducer that records what it is fed, for checking delivery order and content.
#include <string>
#include <vector>

#include "qg/jobs/job.hpp"

namespace qg::testing {

struct RecordingReducer final : jobs::Reducer {
  struct Seen {
    std::uint32_t stage;
    std::uint64_t task;
    std::vector<double> values;
    std::string error;
    bool operator==(const Seen&) const = default;
  };
  void consume(std::uint32_t stage, std::uint64_t task, std::span<const double> records) override {
    seen.push_back({stage, task, {records.begin(), records.end()}, {}});
  }
  void task_failed(std::uint32_t stage, std::uint64_t task, const std::string& message) override {
    seen.push_back({stage, task, {}, message});
  }
  std::vector<double> end_stage(std::uint32_t stage) override {
    ended.push_back(stage);
    return {};
  }
  std::vector<Seen> seen;
  std::vector<std::uint32_t> ended;
};

}  // namespace qg::testing
