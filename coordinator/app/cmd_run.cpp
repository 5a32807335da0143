// `quantgrid run`: one binary for every rank. Without mpirun (or with one rank) the process
// runs the coordinator and an in-process worker side by side, using every local core. The
// work is done by the launcher (qg/coordinator/launcher.hpp); this file turns options into
// launch options and outcomes into messages and exit codes.
#include <spdlog/spdlog.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <unistd.h>

#include <iostream>
#include <memory>
#include <optional>

#include "commands.hpp"
#include "qg/cluster/log.hpp"
#include "qg/cluster/mpi_launcher.hpp"
#include "qg/cluster/mpi_module.hpp"
#include "qg/coordinator/launcher.hpp"
#include "qg/core/exit_code.hpp"
#include "qg/kernels/var/blas_threads.hpp"

namespace qg::app {
namespace {

coordinator::LaunchOptions launch_options(const RunArgs& args) {
  coordinator::LaunchOptions o;
  o.spec = args.spec;
  o.output = args.output;
  o.chunk = args.chunk;
  o.resume = args.resume;
  o.overwrite = args.overwrite;
  o.worker_timeout = args.worker_timeout;
  o.data_broadcast_bytes = args.data_broadcast_mb << 20;
  o.data_cache_bytes = static_cast<std::size_t>(args.data_cache_mb << 20);
  o.threads = args.threads > 0 ? args.threads : tbb::info::default_concurrency();
  o.interactive = !args.no_progress && isatty(STDERR_FILENO) != 0;
  return o;
}

//! The coordinator's report: `wrote OUTPUT`, or the failed tasks (exit code 3).
int report_summary(const coordinator::RunOutcome& outcome) {
  const auto& s = outcome.summary;
  spdlog::info("done in {:.2f}s: {} tasks ({} from the journal), {} failed, {} chunks re-issued", s.seconds, s.tasks,
               s.replayed_tasks, s.failed_count, s.reissued_chunks);
  if (s.failed_count == 0) {
    std::cout << "wrote " << outcome.output.string() << "\n";
    return kExitOk;
  }
  std::cerr << "quantgrid: " << s.failed_count << " task(s) failed; results of the others are in "
            << outcome.output.string() << " (failures in /errors):\n";
  for (std::size_t i = 0; i < s.failed.size() && i < 10; ++i) {
    const auto& f = s.failed[i];
    std::cerr << "  stage " << f.stage << " task " << f.task << " on rank " << f.rank << ": " << f.message << "\n";
  }
  return kExitTasks;
}

//! The exit code of this rank's outcome; rank 0 alone prints, so a failure shows once.
int finish(const coordinator::RunOutcome& outcome) {
  if (outcome.failure) {
    if (outcome.role == coordinator::RunRole::kCoordinator)
      std::cerr << "quantgrid: error: " << outcome.failure->message << "\n";
    return exit_code(outcome.failure->kind);
  }
  if (outcome.role == coordinator::RunRole::kWorker) return kExitOk;
  return report_summary(outcome);
}

}  // namespace

int cmd_run(const RunArgs& args, const CliHooks& hooks, int& argc, char**& argv) {
  // OpenBLAS's idle threads would spin through a short run; a VaR job's BLAS restarts them.
  kernels::var::stop_blas_threads();
  // Declared before the MPI session, so destroyed after it and after everything else here: the
  // committed run file waits, when destroyed, until the output it replaced is freed (a thread
  // does that after the commit: run_coordinator), and the teardown of the run overlaps that wait.
  std::unique_ptr<results::RunFile> committed;
  // Started without an MPI launcher, the process is the whole job: MPI is neither loaded (the
  // MPI module) nor initialised.
  std::unique_ptr<cluster::MpiSession> mpi;
  if (cluster::launched_by_mpi()) mpi = cluster::load_mpi_session(argc, argv);
  const int rank = mpi ? mpi->rank() : 0;
  const int size = mpi ? mpi->size() : 1;
  cluster::init_logging(rank, size, rank == 0 ? "coordinator" : "worker", args.log_level);
  std::optional<tbb::global_control> threads;
  if (args.threads > 0)
    threads.emplace(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(args.threads));
  auto options = launch_options(args);
  options.worker_job = hooks.worker_job;
  try {
    if (size == 1) {
      auto outcome = coordinator::run_single_process(options);
      committed = std::move(outcome.committed_file);
      return finish(outcome);
    }
    auto world = mpi->world_transport();
    coordinator::RunOutcome outcome = coordinator::run_rank(options, *world);
    committed = std::move(outcome.committed_file);
    const int code = finish(outcome);
    if (!outcome.rank_lost) return code;
    // The result is committed (or the failure reported); a lost rank could block MPI_Finalize.
    spdlog::info("a rank was lost during the run: leaving without MPI_Finalize");
    mpi->leave_without_finalize(code);
  } catch (const std::exception& e) {
    const int code = report_error(e);
    if (size > 1) mpi->abort(code);  // the other ranks wait on this one: end them too
    return code;
  }
}

}  // namespace qg::app
