#include "qg/coordinator/launcher.hpp"

#include <spdlog/spdlog.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <chrono>
#include <fstream>
#include <future>
#include <memory>
#include <thread>

#include "qg/cluster/inprocess_transport.hpp"
#include "qg/core/exit_code.hpp"
#include "qg/jobs/job.hpp"
#include "qg/results/run_file.hpp"
#include "qg/results/market_store.hpp"
#include "qg/results/store_bar_source.hpp"
#include "qg/worker/worker.hpp"

namespace qg::coordinator {
namespace fs = std::filesystem;
namespace {

//! Specs are small; reading stops a little past the largest the parser accepts (which then
//! refuses it by its size), so a huge file costs no memory.
constexpr std::size_t kSpecReadLimit = std::size_t{1} << 20;

std::string read_spec(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path.string() + ": cannot read the spec");
  // Not zero-filled first: a spec of a few hundred bytes touches a few pages of the buffer.
  const auto buffer = std::make_unique_for_overwrite<char[]>(kSpecReadLimit + 1);
  in.read(buffer.get(), static_cast<std::streamsize>(kSpecReadLimit + 1));
  if (in.bad()) throw IoError(path.string() + ": cannot read the spec");
  return {buffer.get(), static_cast<std::size_t>(in.gcount())};
}

//! Refuses to start over a journal or a run file that the options do not allow replacing.
void check_output_is_free(const fs::path& output, const LaunchOptions& options) {
  const auto journal = journal_path(output);
  if (fs::exists(journal) && !options.resume)
    throw ConfigError(journal.string() + ": a journal of an interrupted run exists; rerun with --resume to " +
                      "continue it, or delete it to start over");
  if (fs::exists(output) && !options.overwrite && !options.resume)
    throw ConfigError(output.string() + ": already exists; pass --overwrite to replace it");
}

//! True when both paths name one existing file (the same inode, through links or spelling).
bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code error;
  return fs::equivalent(a, b, error) && !error;
}

//! What may ever be replaced at the output (with --overwrite or --resume): never an input of the
//! job (the spec, the market-data store), never anything but a regular file. ConfigError
//! otherwise, with or without those options; checked before a claim is made beside it.
void check_replaceable(const fs::path& output, const fs::path& spec, const std::string& data_file) {
  std::error_code error;
  const auto status = fs::status(output, error);
  if (!fs::exists(status)) return;
  if (same_file(output, spec)) throw ConfigError(output.string() + ": is the job's spec; refusing to replace it");
  if (same_file(output, data_file))
    throw ConfigError(output.string() + ": is the job's market-data store; refusing to replace it");
  if (!fs::is_regular_file(status))
    throw ConfigError(output.string() +
                      ": is not a regular file (a directory, device or FIFO); refusing to replace it");
}

//! An existing output that --overwrite or --resume would replace must be a quantgrid run file.
void check_is_run_file(const fs::path& output) {
  if (!fs::exists(output)) return;
  try {
    (void)results::RunReader::open(output);
  } catch (const Error& e) {
    throw ConfigError(output.string() + ": is not a quantgrid run file; refusing to replace it (" + e.what() + ")");
  }
}

//! Claims the output for this process before anything is written; says when a dead run's
//! claim was taken over.
OutputClaim claim_output(const fs::path& output) {
  auto claim = OutputClaim::acquire(output);
  if (const auto& dead = claim.taken_over())
    spdlog::warn("{}: took over the claim of process {} on host {} since {}, which is no longer running",
                 output.string(), dead->pid, dead->host, dead->since);
  return claim;
}

//! Creates the folder the run file goes into; IoError (exit code 2) when it cannot.
void create_output_folder(const fs::path& output) {
  if (!output.has_parent_path()) return;
  std::error_code error;
  fs::create_directories(output.parent_path(), error);
  if (error) throw IoError(output.parent_path().string() + ": cannot create the run file's folder: " + error.message());
}

RunContext context_of(const LaunchOptions& options) {
  RunContext ctx;
  ctx.chunk = options.chunk;
  ctx.resume = options.resume;
  ctx.worker_timeout = options.worker_timeout;
  ctx.threads = options.threads;
  ctx.interactive = options.interactive;
  ctx.pipeline_depth = options.pipeline_depth;
  return ctx;
}

//! Builds the job, taking the payload's data without copying it, or over the store it names
//! (keeping `cache_bytes` of prepared symbols).
std::unique_ptr<jobs::Job> build_job(cluster::JobPayload& payload, std::size_t cache_bytes) {
  if (!payload.store.symbols.empty()) {
    auto source = std::make_shared<const results::StoreBarSource>(payload.store, cache_bytes);
    return jobs::make_job(payload.spec_text, payload.origin, std::shared_ptr<const BarSource>(std::move(source)));
  }
  auto data = std::make_shared<const MarketData>(std::move(payload.data));
  return jobs::make_job(payload.spec_text, payload.origin, std::move(data));
}

//! The bars of the run (one opening of the store), or, when every rank is to read them from the
//! store rather than be sent them (more bytes than --data-broadcast-mb, 0: any, in a store with
//! row offsets, 2.x), the store's identity and the symbols' rows.
void load_data(const jobs::SpecHeader& header, const LaunchOptions& options, PreparedRun& run) {
  // A store that will likely be sent has its digest taken on a thread of its own (sha256_file reads
  // the file apart from HDF5), while this one reads the bars: the other cores idle until the stage.
  std::future<std::string> digest;
  std::error_code error;
  const auto file_bytes = fs::file_size(header.data_file, error);
  if (!error && options.data_broadcast_bytes != 0 && file_bytes <= options.data_broadcast_bytes)
    digest = std::async(std::launch::async, [&] { return results::store_digest(header.data_file); });
  if (auto data = results::read_store_within(header.data_file, header.data, options.data_broadcast_bytes)) {
    run.payload.data = std::move(*data);
    run.context.data_sha256 = digest.valid() ? digest.get() : results::store_digest(header.data_file);
    return;
  }
  if (digest.valid()) digest.wait();  // unused: the bars, uncompressed, are over the limit; digested after the index
  // Indexed (size and modification time taken) before the digest: a store changed in between
  // differs from what the workers are told to expect.
  run.payload.store = results::index_store(fs::absolute(header.data_file), header.data);
  run.context.data_sha256 = results::store_digest(header.data_file);
  run.payload.store.sha256 = run.context.data_sha256;
  spdlog::info("{} symbols of {} are read by each rank from the store (more than --data-broadcast-mb)",
               run.payload.store.symbols.size(), header.data_file);
}

//! Has TBB start its thread pool now: a parallel loop of one empty task per thread.
void start_thread_pool() {
  const int threads = tbb::this_task_arena::max_concurrency();
  tbb::parallel_for(
      0, threads, [](int) {}, tbb::simple_partitioner());
}

//! Tells the worker at `rank` to stop (an assignment of zero tasks).
void stop_worker(cluster::Transport& transport, int rank) {
  std::vector<char> stop;
  cluster::encode(cluster::Assignment{}, stop);
  transport.send(rank, cluster::Tag::kAssign, stop);
}

RunOutcome coordinated(const RunContext& ctx, RunSummary summary, std::unique_ptr<results::RunFile> file) {
  RunOutcome outcome;
  outcome.role = RunRole::kCoordinator;
  outcome.output = ctx.output;
  outcome.summary = std::move(summary);
  outcome.committed_file = std::move(file);
  outcome.rank_lost = outcome.summary.reissued_chunks > 0;
  return outcome;
}

RunOutcome failed(RunRole role, ErrorKind kind, std::string message) {
  RunOutcome outcome;
  outcome.role = role;
  outcome.failure = LaunchFailure{kind, std::move(message)};
  return outcome;
}

//! Rank 0's preparation as a payload: the job, or the failure every rank must learn.
cluster::JobPayload prepare_or_fail(const LaunchOptions& options, RunContext& ctx, std::optional<OutputClaim>& claim) {
  try {
    auto prepared = prepare_run(options);
    ctx = std::move(prepared.context);
    claim = std::move(prepared.claim);
    return std::move(prepared.payload);
  } catch (const std::exception& e) {
    cluster::JobPayload payload;
    payload.status = cluster::JobStatus::kFailed;
    payload.error_kind = error_kind(e);
    payload.error = e.what();
    return payload;
  }
}

//! When this rank entered and left the job broadcast, on the steady clock (one clock for every
//! process of a host: bench/coordinator_scaling.py takes rank 0's entry to the last worker's exit).
void log_broadcast(const cluster::JobPayload& payload, std::chrono::steady_clock::time_point from) {
  const auto to = std::chrono::steady_clock::now();
  std::size_t bars = 0;
  for (const auto& s : payload.data.symbols) bars += s.size();
  const auto since_epoch = [](auto t) { return std::chrono::duration<double>(t.time_since_epoch()).count(); };
  spdlog::debug("job broadcast: {} symbols, {} bars, spec {} bytes; steady clock {:.6f}s to {:.6f}s",
                payload.data.symbols.size(), bars, payload.spec_text.size(), since_epoch(from), since_epoch(to));
}

}  // namespace

PreparedRun prepare_run(const LaunchOptions& options) {
  PreparedRun run;
  run.context = context_of(options);
  run.payload.spec_text = read_spec(options.spec);
  run.payload.origin = options.spec.string();
  const auto header = jobs::parse_header(run.payload.spec_text, run.payload.origin);
  auto& ctx = run.context;
  ctx.output = options.output.empty() ? fs::path(header.output) : options.output;
  create_output_folder(ctx.output);
  check_replaceable(ctx.output, options.spec, header.data_file);  // before a claim is made beside it
  run.claim.emplace(claim_output(ctx.output));                    // from here on, no other writer touches the output
  check_output_is_free(ctx.output, options);                      // exists without --overwrite: say so first
  check_is_run_file(ctx.output);
  ctx.temp_output = run.claim->temp_path();
  ctx.spec_path = run.payload.origin;
  ctx.spec_text = run.payload.spec_text;
  ctx.data_file = header.data_file;
  spdlog::info("loading {} ({})", header.data_file,
               header.data.symbols.empty() ? std::string("all symbols")
                                           : std::to_string(header.data.symbols.size()) + " symbols");
  load_data(header, options, run);
  return run;
}

RunOutcome run_single_process(const LaunchOptions& options) {
  // TBB starts its thread pool (loading its allocator and thread server) at the first parallel loop: the
  // worker's first chunk, after the set-up. Started here, on a thread of its own, it overlaps the set-up.
  std::jthread pool_start(start_thread_pool);
  auto prepared = prepare_run(options);
  prepared.context.ranks = 1;
  const auto job = build_job(prepared.payload, options.data_cache_bytes);
  // The worker thread reads the coordinator's job: no payload is shared, nothing is copied.
  auto transports = cluster::make_inprocess_transports(2);
  std::exception_ptr worker_error;
  const auto wrapped = options.worker_job ? options.worker_job(*job) : nullptr;
  const jobs::Job& worker_job = wrapped ? *wrapped : *job;
  std::thread worker([&] {
    try {
      worker::serve(worker_job, *transports[1]);
    } catch (...) {
      worker_error = std::current_exception();
    }
  });
  RunSummary summary;
  std::unique_ptr<results::RunFile> committed;
  try {
    summary = run_coordinator(*job, *transports[0], prepared.context, committed);
  } catch (...) {
    stop_worker(*transports[0], 1);  // it waits for a stop that will not come otherwise
    worker.join();
    throw;
  }
  worker.join();
  if (worker_error) std::rethrow_exception(worker_error);
  return coordinated(prepared.context, std::move(summary), std::move(committed));
}

RunOutcome run_rank(const LaunchOptions& options, cluster::Transport& world) {
  const bool is_coordinator = world.rank() == 0;
  const RunRole role = is_coordinator ? RunRole::kCoordinator : RunRole::kWorker;
  RunContext ctx;
  std::optional<OutputClaim> claim;  // rank 0 holds the output until the run file is committed
  cluster::JobPayload payload;
  // A worker's thread pool starts while it waits for the job, not at its first chunk.
  std::jthread pool_start;
  if (!is_coordinator) pool_start = std::jthread(start_thread_pool);
  if (is_coordinator) payload = prepare_or_fail(options, ctx, claim);
  const auto shared_from = std::chrono::steady_clock::now();
  world.share_job(payload);
  log_broadcast(payload, shared_from);
  if (payload.status == cluster::JobStatus::kFailed) return failed(role, payload.error_kind, payload.error);
  // A worker that sees another store than rank 0 fails alone: thrown, so the world is ended.
  if (!payload.store.symbols.empty()) results::verify_store(payload.store);
  std::unique_ptr<jobs::Job> job;
  try {
    job = build_job(payload, options.data_cache_bytes);
  } catch (const std::exception& e) {
    return failed(role, error_kind(e), e.what());  // the same bytes fail alike on every rank
  }
  if (is_coordinator) {
    ctx.ranks = world.size();
    std::unique_ptr<results::RunFile> committed;
    RunSummary summary = run_coordinator(*job, world, ctx, committed);
    return coordinated(ctx, std::move(summary), std::move(committed));
  }
  const auto wrapped = options.worker_job ? options.worker_job(*job) : nullptr;
  const auto stats = worker::serve(wrapped ? *wrapped : *job, world);
  spdlog::debug("worker: {} chunks, {} tasks ({} failed), busy {:.2f}s", stats.chunks, stats.tasks, stats.failed_tasks,
                stats.busy_seconds);
  RunOutcome outcome;
  outcome.role = RunRole::kWorker;
  outcome.rank_lost = stats.rank_lost;
  return outcome;
}

}  // namespace qg::coordinator
