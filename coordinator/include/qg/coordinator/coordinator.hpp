#pragma once
// Rank 0: plans the job's stages, hands chunks of tasks to workers, journals what comes
// back, feeds the reducer in task-id order and writes the run file.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "qg/cluster/transport.hpp"
#include "qg/jobs/job.hpp"
#include "qg/results/run_file.hpp"

namespace qg::coordinator {

//! Everything the coordinator needs besides the job and the transport.
struct RunContext {
  std::filesystem::path output;       // the run file's final path
  std::filesystem::path temp_output;  // written there, then renamed; empty: OUTPUT.tmp
  std::string spec_path;
  std::string spec_text;
  std::string data_file;
  std::string data_sha256;
  std::uint64_t chunk = 0;       // fixed chunk size in tasks; 0 = guided
  bool resume = false;           // replay the journal beside the output
  double worker_timeout = 60.0;  // seconds before an unanswered chunk is handed to another worker (0 = never)
  std::size_t window_bytes = std::size_t{64} << 20;    // results buffered out of order, at most
  std::size_t max_chunk_bytes = std::size_t{8} << 20;  // records in one chunk, at most
  int threads = 0;                                     // per worker: provenance, and the smallest guided chunk
  int ranks = 0;                                       // MPI ranks of the run (0: the transport's size)
  bool interactive = false;                            // progress bar instead of log lines
  //! Chunks a worker holds at once: the one it computes and the next ones, sent before it
  //! answers (WorkerPool); 1 = a worker waits for the round trip between two chunks.
  std::size_t pipeline_depth = 2;
};

//! A task that failed, as recorded in /errors.
struct FailedTask {
  std::uint32_t stage = 0;
  std::uint64_t task = 0;
  int rank = 0;
  std::string message;
};

//! What a run did.
struct RunSummary {
  std::uint64_t tasks = 0;           // over all stages
  std::uint64_t replayed_tasks = 0;  // taken from the journal on --resume
  std::uint64_t failed_count = 0;
  std::vector<FailedTask> failed;  // the first kMaxRecordedErrors failures
  std::uint64_t reissued_chunks = 0;
  double seconds = 0.0;        // the whole run, file creation and commit included
  double stage_seconds = 0.0;  // dispatch of the first chunk to the last reduce, all stages
};

inline constexpr std::size_t kMaxRecordedErrors = 10000;

//! The journal path of a run file: OUTPUT + ".journal".
std::filesystem::path journal_path(const std::filesystem::path& output);

//! Runs the whole job as rank 0 of `transport` (whose other ranks run worker::serve) and
//! commits the run file. Throws on errors that stop the run; failed tasks do not throw and
//! are reported in the summary and in /errors.
RunSummary run_coordinator(const jobs::Job& job, cluster::Transport& transport, const RunContext& context);
//! The same, handing the committed run file over in `committed` (left empty when the run throws).
//! Destroying it waits until the output it replaced is freed, which a thread of its own does
//! after the commit (results/src/retired_file.hpp): a caller that keeps it until its own teardown
//! is done lets that teardown overlap the wait.
RunSummary run_coordinator(const jobs::Job& job, cluster::Transport& transport, const RunContext& context,
                           std::unique_ptr<results::RunFile>& committed);

}  // namespace qg::coordinator
