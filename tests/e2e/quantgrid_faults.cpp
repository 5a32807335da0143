// The quantgrid command line with fault injection, for end-to-end tests of failure reporting:
// workers run the spec's job wrapped so that the tasks listed in QG_FAIL_TASKS
// ("STAGE:TASK,STAGE:TASK") throw. A malformed list is an error (exit code 1), never ignored.
// The production executable has no such switch.
#include <cstdlib>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "commands.hpp"
#include "qg_testing/failing_job.hpp"

int main(int argc, char** argv) {
  qg::app::CliHooks hooks;
  if (const char* tasks = std::getenv("QG_FAIL_TASKS")) {
    qg::testing::TaskIds fail;
    try {
      fail = qg::testing::parse_task_ids(tasks);
    } catch (const std::invalid_argument& e) {
      std::cerr << "quantgrid: error: " << e.what() << "\n";
      return qg::kExitConfig;
    }
    hooks.worker_job = [fail](const qg::jobs::Job& job) -> std::unique_ptr<qg::jobs::Job> {
      return std::make_unique<qg::testing::FailingJob>(job, fail);
    };
  }
  return qg::app::run_cli(argc, argv, hooks);
}
