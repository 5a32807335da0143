#include "qg/worker/worker.hpp"

#include <spdlog/spdlog.h>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>

#include "qg/core/error.hpp"

namespace qg::worker {
namespace {

//! Tasks to fail on purpose, from QG_FAIL_TASKS="STAGE:TASK,STAGE:TASK" (fault-injection
//! for testing failure reporting end to end; unset in normal runs).
std::set<std::pair<std::uint32_t, std::uint64_t>> injected_failures() {
  std::set<std::pair<std::uint32_t, std::uint64_t>> out;
  const char* env = std::getenv("QG_FAIL_TASKS");
  if (env == nullptr) return out;
  std::stringstream list(env);
  std::string item;
  while (std::getline(list, item, ',')) {
    const auto colon = item.find(':');
    if (colon == std::string::npos) continue;
    out.emplace(static_cast<std::uint32_t>(std::stoul(item.substr(0, colon))), std::stoull(item.substr(colon + 1)));
  }
  return out;
}

//! The job as seen through fault injection: throws for the listed tasks.
class FaultyJob final : public jobs::Job {
 public:
  FaultyJob(const jobs::Job& inner, std::set<std::pair<std::uint32_t, std::uint64_t>> fail)
      : inner_(inner), fail_(std::move(fail)) {}
  const jobs::SpecHeader& header() const override { return inner_.header(); }
  std::uint32_t num_stages() const override { return inner_.num_stages(); }
  std::uint64_t num_tasks(std::uint32_t s) const override { return inner_.num_tasks(s); }
  std::size_t max_task_values(std::uint32_t s) const override { return inner_.max_task_values(s); }
  void run_task(std::uint32_t stage, std::uint64_t task, std::vector<double>& out) const override {
    if (fail_.count({stage, task}) != 0) throw std::runtime_error("injected failure (QG_FAIL_TASKS)");
    inner_.run_task(stage, task, out);
  }
  std::unique_ptr<jobs::Reducer> make_reducer(results::RunFile& out) const override {
    return inner_.make_reducer(out);
  }

 private:
  const jobs::Job& inner_;
  std::set<std::pair<std::uint32_t, std::uint64_t>> fail_;
};

}  // namespace

void run_chunk(const jobs::Job& job, std::uint32_t stage, std::uint64_t first, std::uint64_t count,
               cluster::ChunkResult& result) {
  const auto start = std::chrono::steady_clock::now();
  result.stage = stage;
  result.first = first;
  result.count = count;
  result.errors.clear();
  result.lengths.assign(count, 0);
  std::vector<std::vector<double>> records(count);
  std::mutex errors_mutex;

  auto run_one = [&](std::uint64_t i) {
    try {
      job.run_task(stage, first + i, records[i]);
    } catch (const std::exception& e) {
      records[i].clear();
      std::lock_guard lock(errors_mutex);
      result.errors.push_back({first + i, e.what()});
    } catch (...) {
      records[i].clear();
      std::lock_guard lock(errors_mutex);
      result.errors.push_back({first + i, "unknown exception"});
    }
  };
  if (count == 1) {
    run_one(0);  // a single task: no parallel machinery (dispatch-bound runs use chunks of 1)
  } else {
    tbb::parallel_for(tbb::blocked_range<std::uint64_t>(0, count, 1), [&](const auto& r) {
      for (auto i = r.begin(); i != r.end(); ++i) run_one(i);
    });
  }

  std::size_t total = 0;
  for (std::uint64_t i = 0; i < count; ++i) {
    result.lengths[i] = static_cast<std::uint32_t>(records[i].size());
    total += records[i].size();
  }
  result.values.clear();
  result.values.reserve(total);
  for (auto& r : records) result.values.insert(result.values.end(), r.begin(), r.end());
  std::sort(result.errors.begin(), result.errors.end(),
            [](const auto& a, const auto& b) { return a.task < b.task; });
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

WorkerStats serve(jobs::Job& job, cluster::Transport& transport) {
  WorkerStats stats;
  cluster::ChunkResult result;  // count == 0: the first request carries no records
  cluster::Assignment assignment;
  cluster::Envelope envelope;
  std::vector<char> buffer;
  std::uint32_t input_stage = 0;  // stages whose input this worker holds: 0..input_stage
  std::optional<FaultyJob> faulty;
  if (auto fail = injected_failures(); !fail.empty()) faulty.emplace(job, std::move(fail));
  for (;;) {
    buffer.clear();
    cluster::encode(result, buffer);
    transport.send(0, cluster::Tag::kResult, buffer);
    if (!transport.receive(envelope, cluster::kWaitForever)) throw ClusterError("no reply from the coordinator");
    cluster::decode(envelope.bytes, assignment);
    if (assignment.count == 0) break;
    if (assignment.has_stage_input && assignment.stage > input_stage) {
      job.set_stage_input(assignment.stage, std::move(assignment.stage_input));
      input_stage = assignment.stage;
    }
    if (faulty)
      run_chunk(*faulty, assignment.stage, assignment.first, assignment.count, result);
    else
      run_chunk(job, assignment.stage, assignment.first, assignment.count, result);
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
