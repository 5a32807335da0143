// `quantgrid run`: one binary for every rank. Without mpirun (or with one rank) the process
// runs the coordinator and an in-process worker side by side, using every local core.
#include <spdlog/spdlog.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>

#include "commands.hpp"
#include "qg/cluster/inprocess_transport.hpp"
#include "qg/cluster/log.hpp"
#include "qg/cluster/mpi_transport.hpp"
#include "qg/coordinator/coordinator.hpp"
#include "qg/core/error.hpp"
#include "qg/jobs/job.hpp"
#include "qg/results/market_store.hpp"
#include "qg/worker/worker.hpp"

namespace qg::app {
namespace fs = std::filesystem;
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path + ": cannot read the spec");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

//! Rank 0's preparation: read and check the spec, refuse to clobber earlier work, load the
//! data. Returns the payload every rank builds the job from.
cluster::JobPayload prepare(const RunArgs& args, coordinator::RunContext& ctx) {
  cluster::JobPayload payload;
  payload.spec_text = read_text(args.spec);
  payload.origin = args.spec;
  const auto header = jobs::parse_header(payload.spec_text, payload.origin);
  ctx.output = args.output.empty() ? fs::path(header.output) : fs::path(args.output);
  const auto journal = coordinator::journal_path(ctx.output);
  if (fs::exists(journal) && !args.resume)
    throw ConfigError(journal.string() + ": a journal of an interrupted run exists; rerun with --resume to " +
                      "continue it, or delete it to start over");
  if (fs::exists(ctx.output) && !args.overwrite && !args.resume)
    throw ConfigError(ctx.output.string() + ": already exists; pass --overwrite to replace it");
  if (ctx.output.has_parent_path()) fs::create_directories(ctx.output.parent_path());
  ctx.spec_path = args.spec;
  ctx.spec_text = payload.spec_text;
  ctx.data_file = header.data_file;
  spdlog::info("loading {} ({})", header.data_file,
               header.data.symbols.empty() ? std::string("all symbols")
                                           : std::to_string(header.data.symbols.size()) + " symbols");
  payload.data = results::read_store(header.data_file, header.data);
  ctx.data_sha256 = results::store_digest(header.data_file);
  return payload;
}

std::unique_ptr<jobs::Job> build_job(const cluster::JobPayload& payload) {
  auto data = std::make_shared<const MarketData>(payload.data);
  return jobs::make_job(payload.spec_text, payload.origin, std::move(data));
}

int report_summary(const coordinator::RunSummary& s, const coordinator::RunContext& ctx) {
  spdlog::info("done in {:.2f}s: {} tasks ({} from the journal), {} failed, {} chunks re-issued", s.seconds, s.tasks,
               s.replayed_tasks, s.failed_count, s.reissued_chunks);
  if (s.failed_count == 0) {
    std::cout << "wrote " << ctx.output.string() << "\n";
    return kExitOk;
  }
  std::cerr << "quantgrid: " << s.failed_count << " task(s) failed; results of the others are in "
            << ctx.output.string() << " (failures in /errors):\n";
  for (std::size_t i = 0; i < s.failed.size() && i < 10; ++i) {
    const auto& f = s.failed[i];
    std::cerr << "  stage " << f.stage << " task " << f.task << " on rank " << f.rank << ": " << f.message << "\n";
  }
  return kExitTasks;
}

//! One process: the coordinator on this thread, a worker on another (it runs the chunks on
//! every core through TBB).
int run_single_process(const RunArgs& args, coordinator::RunContext& ctx) {
  auto payload = prepare(args, ctx);
  auto job = build_job(payload);
  auto worker_job = build_job(payload);
  auto transports = cluster::make_inprocess_transports(2);
  std::exception_ptr worker_error;
  std::thread worker([&] {
    try {
      cluster::JobPayload unused;
      transports[1]->share_job(unused);
      worker::serve(*worker_job, *transports[1]);
    } catch (...) {
      worker_error = std::current_exception();
    }
  });
  transports[0]->share_job(payload);
  std::optional<coordinator::RunSummary> summary;
  try {
    summary = coordinator::run_coordinator(*job, *transports[0], ctx);
  } catch (...) {
    // The worker waits for a stop that will not come: tell it, then rethrow.
    std::vector<char> stop;
    cluster::encode(cluster::Assignment{}, stop);
    transports[0]->send(1, cluster::Tag::kAssign, stop);
    worker.join();
    throw;
  }
  worker.join();
  if (worker_error) std::rethrow_exception(worker_error);
  return report_summary(*summary, ctx);
}

//! Rank r of an MPI job. Rank 0 prepares and shares the job; if preparation fails it
//! shares an empty job, and every rank exits with the same code instead of hanging.
int run_mpi_rank(const RunArgs& args, coordinator::RunContext& ctx, cluster::MpiSession& mpi) {
  auto transport = mpi.world_transport();
  cluster::JobPayload payload;
  int code = kExitOk;
  if (mpi.rank() == 0) {
    try {
      payload = prepare(args, ctx);
    } catch (const std::exception& e) {
      code = report_error(e);
      payload = cluster::JobPayload{};
      payload.origin = std::to_string(code);
    }
  }
  transport->share_job(payload);
  if (payload.spec_text.empty()) return mpi.rank() == 0 ? code : std::stoi(payload.origin);
  std::unique_ptr<jobs::Job> job;
  try {
    job = build_job(payload);
  } catch (const std::exception& e) {
    // Every rank builds the same job from the same bytes, so every rank fails alike.
    return mpi.rank() == 0 ? report_error(e) : kExitConfig;
  }
  if (mpi.rank() == 0) return report_summary(coordinator::run_coordinator(*job, *transport, ctx), ctx);
  const auto stats = worker::serve(*job, *transport);
  spdlog::debug("worker: {} chunks, {} tasks ({} failed), busy {:.2f}s", stats.chunks, stats.tasks,
                stats.failed_tasks, stats.busy_seconds);
  return kExitOk;
}

}  // namespace

int cmd_run(const RunArgs& args, int& argc, char**& argv) {
  cluster::MpiSession mpi(argc, argv);
  cluster::init_logging(mpi.rank(), mpi.size(), mpi.rank() == 0 ? "coordinator" : "worker", args.log_level);
  std::optional<tbb::global_control> threads;
  if (args.threads > 0)
    threads.emplace(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(args.threads));
  coordinator::RunContext ctx;
  ctx.chunk = args.chunk;
  ctx.resume = args.resume;
  ctx.worker_timeout = args.worker_timeout;
  ctx.ranks = mpi.size();
  ctx.threads = args.threads > 0 ? args.threads : tbb::info::default_concurrency();
  ctx.interactive = !args.no_progress && isatty(STDERR_FILENO) != 0;
  try {
    if (mpi.size() == 1) return run_single_process(args, ctx);
    return run_mpi_rank(args, ctx, mpi);
  } catch (const std::exception& e) {
    const int code = report_error(e);
    if (mpi.size() > 1) mpi.abort(code);  // the other ranks wait on this one: end them too
    return code;
  }
}

int report_error(const std::exception& e) {
  int code = kExitInternal;
  if (const auto* qe = dynamic_cast<const Error*>(&e)) {
    switch (qe->kind()) {
      case ErrorKind::kConfig: code = kExitConfig; break;
      case ErrorKind::kData:
      case ErrorKind::kIo: code = kExitData; break;
      default: code = kExitInternal;
    }
  }
  std::cerr << "quantgrid: error: " << e.what() << "\n";
  return code;
}

}  // namespace qg::app
