#pragma once
// `quantgrid run` as library functions. Rank 0 prepares a run (reads the spec, refuses to
// clobber earlier work, loads and digests the data); the run then goes on in one process (the
// coordinator on the calling thread, an in-process worker beside it) or as one rank of a world
// of ranks. Nothing here prints: errors are thrown, or returned where every rank must learn
// them, and the caller turns outcomes into messages and exit codes.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "qg/cluster/messages.hpp"
#include "qg/cluster/transport.hpp"
#include "qg/coordinator/coordinator.hpp"
#include "qg/core/error.hpp"
#include "qg/core/output_claim.hpp"

namespace qg::coordinator {

//! What a run is asked to do: the options of `quantgrid run`.
//! Builds the job a worker runs from the job of the spec (a seam for tests).
using JobWrapper = std::function<std::unique_ptr<jobs::Job>(const jobs::Job&)>;

struct LaunchOptions {
  std::filesystem::path spec;    // the job spec (YAML)
  std::filesystem::path output;  // the run file; empty: the spec's `output`
  std::uint64_t chunk = 0;       // fixed chunk size in tasks; 0 = guided
  bool resume = false;           // continue from OUTPUT.journal
  bool overwrite = false;        // replace an existing run file
  double worker_timeout = 60.0;  // seconds before an unanswered chunk is handed to another worker (0 = never)
  int threads = 0;               // threads per worker, recorded in the run file
  bool interactive = false;      // progress bar instead of log lines
  JobWrapper worker_job;         // empty: workers run the job itself (tests wrap it)
  //! Chunks a worker holds at once (RunContext::pipeline_depth).
  std::size_t pipeline_depth = 2;
  //! Selections of more bytes of bars than this (kBarBytes per bar) are not sent with the job:
  //! every rank reads the symbols its tasks need from the store (a sweep; other kinds read
  //! all their symbols). 0: always read from the store.
  std::uint64_t data_broadcast_bytes = std::uint64_t{256} << 20;
  //! Bytes of prepared symbols a rank keeps when it reads them from the store.
  std::size_t data_cache_bytes = std::size_t{1} << 30;
};

//! Rank 0's preparation: the payload every rank builds the job from, and the coordinator's
//! context (output path, spec, data digest, options).
struct PreparedRun {
  cluster::JobPayload payload;
  RunContext context;
  std::optional<OutputClaim> claim;  // the output, held for this process until the run ends
};

//! Why every rank of a world stopped before any task ran: rank 0 could not prepare the job,
//! or the job could not be built (from the same bytes, every rank fails alike).
struct LaunchFailure {
  ErrorKind kind = ErrorKind::kInternal;
  std::string message;
};

enum class RunRole : std::uint8_t { kCoordinator, kWorker };

//! How this process's part of a run ended.
struct RunOutcome {
  RunRole role = RunRole::kCoordinator;
  std::optional<LaunchFailure> failure;  // set: nothing ran, and every rank holds the same failure
  std::filesystem::path output;          // kCoordinator without failure: the run file written
  RunSummary summary;                    // kCoordinator without failure: what the run did
  bool rank_lost = false;                // a rank was presumed lost: MPI_Finalize could block on it
  //! kCoordinator without failure: the committed run file. Destroying it waits for the output it
  //! replaced to be freed (run_coordinator): keep the outcome until the process is done with it.
  std::unique_ptr<results::RunFile> committed_file;
};

//! Reads the spec, resolves the output, creates the output's folder, claims the output for this
//! process (OutputClaim), refuses to overwrite a run file (unless `overwrite` or `resume`) or to
//! ignore a journal left by an interrupted run (unless `resume`), refuses to replace anything
//! but a quantgrid run file (an input of the job, a non-regular file, another kind of file),
//! loads the selected data and digests the store.
//! Throws IoError naming the spec if it cannot be read, ConfigError for a bad spec or a refused
//! output, IoError when the output's folder cannot be made or the output is in use by another
//! process, IoError/DataError for unusable data.
PreparedRun prepare_run(const LaunchOptions& options);

//! The whole run in this process: prepares, builds the job once, and runs the coordinator on
//! this thread and a worker (all cores through TBB) on another, both over the same job.
//! Throws what prepare_run, the job or the coordinator throw; failed tasks do not throw.
RunOutcome run_single_process(const LaunchOptions& options);

//! One rank of `world` (collective: every rank calls it). Rank 0 prepares and shares the job,
//! then coordinates; the other ranks build the job from what rank 0 shared and work.
//! On exit: rank 0 returns kCoordinator, the others kWorker; when the job could not be prepared
//! or built, every rank returns the same `failure` instead of throwing, so that none waits on
//! another. Errors during the run itself are thrown (the caller must then end the world).
RunOutcome run_rank(const LaunchOptions& options, cluster::Transport& world);

}  // namespace qg::coordinator
