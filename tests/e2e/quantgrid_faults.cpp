// The quantgrid command line with fault injection, for end-to-end tests of failure reporting:
// workers run the spec's job wrapped so that the tasks listed in QG_FAIL_TASKS
// ("STAGE:TASK,STAGE:TASK") throw. A malformed list is an error (exit code 1), never ignored.
// QG_TASK_SLEEP_US=N instead makes every task sleep N microseconds first (tasks of a known
// duration for bench/coordinator_scaling.py); the two cannot be combined.
// The production executable has no such switch.
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "commands.hpp"
#include "qg_testing/failing_job.hpp"
#include "qg_testing/sleeping_job.hpp"

namespace {

//! QG_TASK_SLEEP_US as microseconds; invalid_argument unless it is one non-negative integer.
std::chrono::microseconds parse_sleep(std::string_view text) {
  long long us = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), us);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || us < 0)
    throw std::invalid_argument("QG_TASK_SLEEP_US: expected a non-negative integer, got '" + std::string(text) + "'");
  return std::chrono::microseconds(us);
}

}  // namespace

int main(int argc, char** argv) {
  qg::app::CliHooks hooks;
  const char* tasks = std::getenv("QG_FAIL_TASKS");
  const char* sleep = std::getenv("QG_TASK_SLEEP_US");
  try {
    if (tasks != nullptr && sleep != nullptr)
      throw std::invalid_argument("QG_FAIL_TASKS and QG_TASK_SLEEP_US cannot be combined");
    if (tasks != nullptr) {
      const qg::testing::TaskIds fail = qg::testing::parse_task_ids(tasks);
      hooks.worker_job = [fail](const qg::jobs::Job& job) -> std::unique_ptr<qg::jobs::Job> {
        return std::make_unique<qg::testing::FailingJob>(job, fail);
      };
    }
    if (sleep != nullptr) {
      const auto per_task = parse_sleep(sleep);
      hooks.worker_job = [per_task](const qg::jobs::Job& job) -> std::unique_ptr<qg::jobs::Job> {
        return std::make_unique<qg::testing::SleepingJob>(job, per_task);
      };
    }
  } catch (const std::invalid_argument& e) {
    std::cerr << "quantgrid: error: " << e.what() << "\n";
    return qg::kExitConfig;
  }
  return qg::app::run_cli(argc, argv, hooks);
}
