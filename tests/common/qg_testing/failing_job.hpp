#pragma once
// Fault injection for tests: a Job that delegates to another but throws for chosen tasks.
// The production worker has no such switch; tests wrap the job they hand to the runtime.
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "qg_testing/delegating_job.hpp"

namespace qg::testing {

using TaskIds = std::set<std::pair<std::uint32_t, std::uint64_t>>;  // (stage, task)

class FailingJob final : public DelegatingJob {
 public:
  FailingJob(const jobs::Job& inner, TaskIds fail) : DelegatingJob(inner), fail_(std::move(fail)) {}
  void run_task(std::uint32_t stage, jobs::StageInput input, std::uint64_t task,
                std::vector<double>& out) const override {
    if (fail_.count({stage, task}) != 0) throw std::runtime_error("injected failure");
    DelegatingJob::run_task(stage, input, task, out);
  }

 private:
  TaskIds fail_;
};

//! One decimal number, the whole of `text`; invalid_argument naming `item` otherwise.
template <class T>
T parse_task_number(std::string_view text, const std::string& item) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    throw std::invalid_argument("QG_FAIL_TASKS: expected STAGE:TASK with non-negative integers, got '" + item + "'");
  return value;
}

//! Parses "STAGE:TASK,STAGE:TASK" (the QG_FAIL_TASKS variable of the test binary); an empty text
//! is no task. Throws invalid_argument naming the first malformed item.
inline TaskIds parse_task_ids(const std::string& text) {
  TaskIds out;
  if (text.empty()) return out;
  std::stringstream list(text);
  std::string item;
  while (std::getline(list, item, ',')) {
    const auto colon = item.find(':');
    if (colon == std::string::npos)
      throw std::invalid_argument("QG_FAIL_TASKS: expected STAGE:TASK, got '" + item + "'");
    const std::string_view view(item);
    out.emplace(parse_task_number<std::uint32_t>(view.substr(0, colon), item),
                parse_task_number<std::uint64_t>(view.substr(colon + 1), item));
  }
  if (text.back() == ',') throw std::invalid_argument("QG_FAIL_TASKS: a trailing ',' in '" + text + "'");
  return out;
}

}  // namespace qg::testing
