#include "qg/worker/worker.hpp"

#include <spdlog/spdlog.h>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <exception>
#include <mutex>
#include <optional>
#include <string>

#include "qg/core/error.hpp"
#include "qg/jobs/collective_tasks.hpp"
#include "qg/worker/transport_block_reduction.hpp"

namespace qg::worker {
namespace {

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

//! Runs the tasks of a chunk of several tasks on the worker's threads, each into its own records;
//! fills the result's lengths and errors (sorted by task).
void run_tasks(const jobs::Job& job, std::uint32_t stage, jobs::StageInput input, std::uint64_t first,
               std::uint64_t count, std::vector<std::vector<double>>& records, cluster::ChunkResult& result) {
  records.resize(count);
  std::mutex errors_mutex;
  tbb::parallel_for(tbb::blocked_range<std::uint64_t>(0, count, 1), [&](const auto& r) {
    for (auto i = r.begin(); i != r.end(); ++i) {
      records[i].clear();  // kept from an earlier chunk; a job may append to `out`
      if (auto error = run_guarded(job, stage, input, first + i, records[i])) {
        std::lock_guard lock(errors_mutex);
        result.errors.push_back({first + i, *error});
      }
    }
  });
  for (std::uint64_t i = 0; i < count; ++i) result.lengths[i] = static_cast<std::uint32_t>(records[i].size());
  std::sort(result.errors.begin(), result.errors.end(), [](const auto& a, const auto& b) { return a.task < b.task; });
}

//! Copies the tasks' records, in task order, to the bytes at `out` (room for all of them; in a
//! message they need not be aligned as doubles) on the worker's threads: a chunk's records are
//! megabytes, and one thread copying them leaves the others idle.
void gather(const std::vector<std::vector<double>>& records, std::uint64_t count, char* out) {
  std::vector<std::size_t> offsets(count + 1, 0);
  for (std::uint64_t i = 0; i < count; ++i) offsets[i + 1] = offsets[i] + records[i].size() * sizeof(double);
  tbb::parallel_for(tbb::blocked_range<std::uint64_t>(0, count, 16), [&](const auto& r) {
    for (auto i = r.begin(); i != r.end(); ++i)
      if (!records[i].empty()) std::memcpy(out + offsets[i], records[i].data(), records[i].size() * sizeof(double));
  });
}

std::size_t total_size(const std::vector<std::vector<double>>& records, std::uint64_t count) {
  std::size_t n = 0;
  for (std::uint64_t i = 0; i < count; ++i) n += records[i].size();
  return n;
}

void start_result(cluster::ChunkResult& result, std::uint32_t stage, std::uint64_t first, std::uint64_t count) {
  result.stage = stage;
  result.first = first;
  result.count = count;
  result.errors.clear();
  result.lengths.assign(count, 0);
  result.values.clear();
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

void run_chunk(const jobs::Job& job, std::uint32_t stage, jobs::StageInput input, std::uint64_t first,
               std::uint64_t count, cluster::ChunkResult& result) {
  const auto start = std::chrono::steady_clock::now();
  start_result(result, stage, first, count);
  if (count == 1) {
    run_single_task(job, stage, input, first, result);
  } else {
    std::vector<std::vector<double>> records;
    run_tasks(job, stage, input, first, count, records, result);
    result.values.resize(total_size(records, count));
    gather(records, count, reinterpret_cast<char*>(result.values.data()));
  }
  result.seconds = seconds_since(start);
}

void ChunkRunner::run(const jobs::Job& job, std::uint32_t stage, jobs::StageInput input, std::uint64_t first,
                      std::uint64_t count, cluster::ChunkResult& result, std::vector<char>& message) {
  if (count == 1) {
    run_chunk(job, stage, input, first, count, result);
    cluster::encode(result, message);
    return;
  }
  const auto start = std::chrono::steady_clock::now();
  start_result(result, stage, first, count);
  run_tasks(job, stage, input, first, count, records_, result);
  result.seconds = seconds_since(start);
  const std::size_t n_values = total_size(records_, count);
  const std::size_t at = cluster::encode_leaving_values(result, n_values, message);
  gather(records_, count, message.data() + at);
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
  ChunkRunner runner;
  std::vector<char> buffer;
  cluster::encode(result, buffer);
  std::uint32_t input_stage = 0;  // the stage whose input this worker holds
  std::vector<double> input;      // that input (empty for stage 0)
  for (;;) {
    transport.send_owned(0, cluster::Tag::kResult, std::move(buffer));  // in one process: no copy
    buffer.clear();
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
      cluster::encode(result, buffer);
      continue;
    }
    runner.run(job, assignment.stage, input, assignment.first, assignment.count, result, buffer);
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
