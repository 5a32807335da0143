#pragma once
// The typed coordinator <-> worker messages and their byte encoding. The encoding is shared
// by every transport and by the coordinator's journal, so a chunk result is the same bytes
// on the wire and on disk.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "qg/core/error.hpp"
#include "qg/core/market_data.hpp"
#include "qg/core/store_ref.hpp"

namespace qg::cluster {

//! Whether rank 0 prepared the job it shares.
enum class JobStatus : std::uint8_t {
  kReady,   // spec_text, origin and data hold the job
  kFailed,  // rank 0 could not prepare it: every rank stops with `error_kind`
};

//! What every worker needs to build the job: sent once at start. When rank 0's preparation
//! fails it still shares a payload, with status kFailed, so that no rank waits for a job.
struct JobPayload {
  JobStatus status = JobStatus::kReady;
  ErrorKind error_kind = ErrorKind::kInternal;  // kFailed: the kind of rank 0's error
  std::string error;                            // kFailed: its message
  std::string spec_text;
  std::string origin;  // the spec's path, for error messages
  MarketData data;     // the bars, unless `store` lists symbols
  StoreRef store;      // symbols listed: every rank reads them from this store instead
};

//! Coordinator -> worker: run tasks [first, first+count) of `stage`; count == 0 means stop.
//! `stage_input` is sent with a worker's first chunk of a stage (empty for stage 0).
//! `collective`: task `first` (count 1) is one every rank computes together
//! (qg/jobs/collective_tasks.hpp); the worker runs its share and sends no record.
//! `rank_lost` (with a stop): a rank was presumed lost during the run, so MPI_Finalize could
//! block on it; the worker leaves without it (docs/operations.md).
struct Assignment {
  std::uint32_t stage = 0;
  std::uint64_t first = 0;
  std::uint64_t count = 0;
  bool has_stage_input = false;
  std::vector<double> stage_input;
  bool collective = false;
  bool rank_lost = false;
};

//! A task that threw: its id and the exception text.
struct TaskError {
  std::uint64_t task = 0;
  std::string message;
};

//! Worker -> coordinator: the records of a chunk, task by task (lengths[i] doubles for task
//! first+i, concatenated in `values`), plus the tasks that failed. count == 0 is the first
//! request of an idle worker.
struct ChunkResult {
  std::uint32_t stage = 0;
  std::uint64_t first = 0;
  std::uint64_t count = 0;
  double seconds = 0.0;  // wall time the worker spent on the chunk
  std::vector<std::uint32_t> lengths;
  std::vector<double> values;
  std::vector<TaskError> errors;

  //! Records of task first+i.
  std::span<const double> task_values(std::size_t offset, std::size_t i) const {
    return {values.data() + offset, lengths[i]};
  }
};

//! Appends the encoding of `m` to `out` (little-endian host layout; ranks share one ABI).
void encode(const Assignment& m, std::vector<char>& out);
void encode(const ChunkResult& m, std::vector<char>& out);
//! Appends the encoding of `m` with room for `n_values` values that the caller writes afterwards
//! (m.values is not read): returns the offset in `out` where they go, as doubles in task order.
//! Once they are written, `out` holds what encode() of `m` with those values appends. The worker
//! copies each task's records straight into place, on its threads.
std::size_t encode_leaving_values(const ChunkResult& m, std::uint64_t n_values, std::vector<char>& out);
//! Decodes; throws ClusterError on a truncated or malformed buffer.
void decode(std::span<const char> bytes, Assignment& m);
void decode(std::span<const char> bytes, ChunkResult& m);

}  // namespace qg::cluster
