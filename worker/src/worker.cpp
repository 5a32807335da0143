#include "qg/worker/worker.hpp"

#include <spdlog/spdlog.h>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <mutex>
#include <optional>
#include <string>

#include "qg/core/error.hpp"
#include "qg/jobs/collective_tasks.hpp"
#include "qg/worker/transport_block_reduction.hpp"

namespace qg::worker {
namespace {

//! The tasks' records, in task order, as the chunk's values and lengths; the copies run on the
//! worker's threads (a chunk's values are megabytes; one thread copying them leaves the others idle).
void concatenate(const std::vector<std::vector<double>>& records, cluster::ChunkResult& result) {
  std::vector<std::size_t> offsets(records.size() + 1, 0);
  for (std::size_t i = 0; i < records.size(); ++i) {
    result.lengths[i] = static_cast<std::uint32_t>(records[i].size());
    offsets[i + 1] = offsets[i] + records[i].size();
  }
  result.values.resize(offsets.back());
  double* out = result.values.data();
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, records.size(), 16), [&](const auto& r) {
    for (auto i = r.begin(); i != r.end(); ++i) std::copy(records[i].begin(), records[i].end(), out + offsets[i]);
  });
}

//! Runs one task into `out`. A task that throws leaves `out` empty and returns its message.
std::optional<std::string> run_guarded(const jobs::Job& job, std::uint32_t stage, jobs::StageInput input,
                                       std::uint64_t task, std::vector<double>& out) {
  try {
    job.run_task(stage, input, task, out);
    return std::nullopt;
  } catch (const std::exception& e) {
    out.clear();
    return std::string(e.what());
  } catch (...) {
    out.clear();
    return std::string("unknown exception");
  }
}

//! A chunk of one task (dispatch-bound runs use chunks of 1): the task writes its records
//! straight into the chunk's values, with no per-task vector, copy or parallel machinery.
void run_single_task(const jobs::Job& job, std::uint32_t stage, jobs::StageInput input, std::uint64_t task,
                     cluster::ChunkResult& result) {
  result.values.clear();  // a job that appends to `out` still sees an empty vector
  if (auto error = run_guarded(job, stage, input, task, result.values)) result.errors.push_back({task, *error});
  result.lengths[0] = static_cast<std::uint32_t>(result.values.size());
}

//! Runs the tasks of a chunk of several tasks on the worker's threads.
void run_tasks(const jobs::Job& job, std::uint32_t stage, jobs::StageInput input, std::uint64_t first,
               std::uint64_t count, cluster::ChunkResult& result) {
  std::vector<std::vector<double>> records(count);
  std::mutex errors_mutex;
  tbb::parallel_for(tbb::blocked_range<std::uint64_t>(0, count, 1), [&](const auto& r) {
    for (auto i = r.begin(); i != r.end(); ++i) {
      if (auto error = run_guarded(job, stage, input, first + i, records[i])) {
        std::lock_guard lock(errors_mutex);
        result.errors.push_back({first + i, *error});
      }
    }
  });
  concatenate(records, result);
  std::sort(result.errors.begin(), result.errors.end(), [](const auto& a, const auto& b) { return a.task < b.task; });
}

}  // namespace

void run_chunk(const jobs::Job& job, std::uint32_t stage, jobs::StageInput input, std::uint64_t first,
               std::uint64_t count, cluster::ChunkResult& result) {
  const auto start = std::chrono::steady_clock::now();
  result.stage = stage;
  result.first = first;
  result.count = count;
  result.errors.clear();
  result.lengths.assign(count, 0);
  if (count == 1)
    run_single_task(job, stage, input, first, result);
  else
    run_tasks(job, stage, input, first, count, result);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

namespace {

//! This worker's share of a collective task; its outcome is rank 0's to report.
void run_collective_share(const jobs::Job& job, const cluster::Assignment& a, jobs::StageInput input,
                          cluster::Transport& transport) {
  const auto* collective = dynamic_cast<const jobs::CollectiveTasks*>(&job);
  QG_CHECK(collective != nullptr, "a collective assignment for a job without collective tasks");
  TransportBlockReduction reduce(transport);
  std::vector<double> unused;
  try {
    collective->run_collective(a.stage, input, a.first, transport.rank(), transport.size(), reduce, unused);
  } catch (const std::exception& e) {
    spdlog::debug("collective task {} of stage {}: {}", a.first, a.stage, e.what());  // rank 0 records it
  }
}

}  // namespace

WorkerStats serve(const jobs::Job& job, cluster::Transport& transport) {
  WorkerStats stats;
  cluster::ChunkResult result;  // count == 0: the first request carries no records
  cluster::Assignment assignment;
  cluster::Envelope envelope;
  std::vector<char> buffer;
  std::uint32_t input_stage = 0;  // the stage whose input this worker holds
  std::vector<double> input;      // that input (empty for stage 0)
  for (;;) {
    buffer.clear();
    cluster::encode(result, buffer);
    transport.send_owned(0, cluster::Tag::kResult, std::move(buffer));  // in one process: no copy
    if (!transport.receive(envelope, cluster::kWaitForever)) throw ClusterError("no reply from the coordinator");
    cluster::decode(envelope.bytes, assignment);
    if (assignment.count == 0) {
      stats.rank_lost = assignment.rank_lost;
      break;
    }
    if (assignment.has_stage_input && assignment.stage > input_stage) {
      input = std::move(assignment.stage_input);
      input_stage = assignment.stage;
    }
    if (assignment.collective) {
      run_collective_share(job, assignment, input, transport);
      result = cluster::ChunkResult{};  // back to idle: nothing to report
      continue;
    }
    run_chunk(job, assignment.stage, input, assignment.first, assignment.count, result);
    ++stats.chunks;
    stats.tasks += assignment.count;
    stats.failed_tasks += result.errors.size();
    stats.busy_seconds += result.seconds;
    for (const auto& e : result.errors)
      spdlog::warn("task {} of stage {} failed: {}", e.task, assignment.stage, e.message);
  }
  return stats;
}

}  // namespace qg::worker
