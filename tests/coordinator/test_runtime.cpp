// Coordinator and workers over the in-process transport: the reducer sees the same records
// in the same order for any number of workers and any chunking; stage inputs reach the
// workers; no chunk goes out before every worker has asked for work; failed tasks are reported
// and the rest completes; a crashed run resumes from its journal to the same result; a silent
// worker's chunk is handed to another.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <deque>
#include <filesystem>
#include <memory>
#include <thread>

#include "qg/cluster/inprocess_transport.hpp"
#include "qg/coordinator/coordinator.hpp"
#include "qg/core/error.hpp"
#include "qg_testing/fake_job_kind.hpp"
#include "qg/worker/worker.hpp"
#include "recording_reducer.hpp"

namespace fs = std::filesystem;
using namespace qg;
using qg::testing::RecordingReducer;

namespace {

//! Stage 0: task t returns t % 4 values, value j = sin(t + j) (variable-length records).
//! Stage 1: task t returns t * (sum of stage 0's values), using the stage input.
//! Tasks listed in `fail` throw.
class TwoStageJob final : public jobs::Job {
 public:
  TwoStageJob(std::uint64_t n0, std::uint64_t n1, std::vector<std::uint64_t> fail = {}, int crash_after = -1)
      : n_{n0, n1}, fail_(std::move(fail)), crash_after_(crash_after) {
    header_.kind = "test";
    header_.name = "two-stage";
  }
  const jobs::SpecHeader& header() const override { return header_; }
  std::uint32_t num_stages() const override { return 2; }
  const jobs::JobKind& kind() const override { return qg::testing::fake_job_kind(); }
  std::uint64_t num_tasks(std::uint32_t stage, jobs::StageInput) const override { return n_[stage]; }
  std::size_t max_task_values(std::uint32_t, jobs::StageInput) const override { return 4; }
  void run_task(std::uint32_t stage, jobs::StageInput input, std::uint64_t t, std::vector<double>& out) const override {
    if (stage == 0 && std::find(fail_.begin(), fail_.end(), t) != fail_.end())
      throw std::runtime_error("task " + std::to_string(t) + " refuses");
    out.clear();
    if (stage == 0) {
      for (std::uint64_t j = 0; j < t % 4; ++j) out.push_back(std::sin(double(t + j)));
    } else {
      if (input.size() != 1) throw std::logic_error("stage 1 without its input");
      std::this_thread::sleep_for(stage1_sleep);
      out.push_back(double(t) * input[0]);
    }
  }
  bool journals_stage(std::uint32_t stage) const override { return stage != unjournaled; }
  std::unique_ptr<jobs::Reducer> make_reducer(results::RunFile&) const override {
    struct Summing final : jobs::Reducer {
      Summing(RecordingReducer& r, int crash_after) : rec(r), crash_after(crash_after) {}
      void consume(std::uint32_t s, std::uint64_t t, std::span<const double> v) override {
        if (crash_after >= 0 && static_cast<int>(rec.seen.size()) >= crash_after)
          throw std::runtime_error("simulated coordinator crash");
        for (double x : v) sum += x;
        rec.consume(s, t, v);
      }
      void task_failed(std::uint32_t s, std::uint64_t t, const std::string& m) override { rec.task_failed(s, t, m); }
      std::vector<double> end_stage(std::uint32_t s) override {
        rec.end_stage(s);
        return {sum};
      }
      RecordingReducer& rec;
      int crash_after;
      double sum = 0.0;
    };
    return std::make_unique<Summing>(recorder, crash_after_);
  }

  mutable RecordingReducer recorder;
  std::uint32_t unjournaled = 2;              // a stage that journals_stage() leaves out (2: none)
  std::chrono::milliseconds stage1_sleep{0};  // how long each stage-1 task takes

 private:
  jobs::SpecHeader header_;
  std::uint64_t n_[2];
  std::vector<std::uint64_t> fail_;
  int crash_after_;
};

fs::path temp_dir() {
  auto dir = fs::temp_directory_path() / ("qg_runtime_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

coordinator::RunContext context(const std::string& name, std::uint64_t chunk, std::size_t depth = 2) {
  coordinator::RunContext ctx;
  ctx.output = temp_dir() / (name + ".h5");
  ctx.spec_text = "test spec";
  ctx.chunk = chunk;
  ctx.pipeline_depth = depth;
  fs::remove(ctx.output);
  return ctx;
}

//! Runs `coord_job` on rank 0 and a fresh TwoStageJob copy per worker thread.
coordinator::RunSummary run_world(TwoStageJob& coord_job, int workers, const coordinator::RunContext& ctx,
                                  std::vector<std::uint64_t> fail = {}) {
  auto transports = cluster::make_inprocess_transports(workers + 1);
  std::vector<std::thread> threads;
  for (int w = 1; w <= workers; ++w) {
    threads.emplace_back([&, w] {
      TwoStageJob job(coord_job.num_tasks(0, {}), coord_job.num_tasks(1, {}), fail);
      job.stage1_sleep = coord_job.stage1_sleep;
      cluster::JobPayload p;
      transports[static_cast<std::size_t>(w)]->share_job(p);
      worker::serve(job, *transports[static_cast<std::size_t>(w)]);
    });
  }
  cluster::JobPayload payload;
  transports[0]->share_job(payload);
  coordinator::RunSummary summary;
  try {
    summary = coordinator::run_coordinator(coord_job, *transports[0], ctx);
  } catch (...) {
    std::vector<char> stop;
    cluster::encode(cluster::Assignment{}, stop);
    for (int w = 1; w <= workers; ++w) transports[0]->send(w, cluster::Tag::kAssign, stop);
    for (auto& t : threads) t.join();
    throw;
  }
  for (auto& t : threads) t.join();
  return summary;
}

void expect_in_order(const RecordingReducer& r, std::uint64_t n0, std::uint64_t n1) {
  ASSERT_EQ(r.seen.size(), n0 + n1);
  for (std::uint64_t i = 0; i < n0 + n1; ++i) {
    EXPECT_EQ(r.seen[i].stage, i < n0 ? 0u : 1u);
    EXPECT_EQ(r.seen[i].task, i < n0 ? i : i - n0);
  }
  EXPECT_EQ(r.ended, (std::vector<std::uint32_t>{0, 1}));
}

}  // namespace

class RuntimeShapes : public ::testing::TestWithParam<std::tuple<int, std::uint64_t, std::size_t>> {};

TEST_P(RuntimeShapes, SameRecordsInTheSameOrder) {
  const auto [workers, chunk, depth] = GetParam();
  // Reference: stage 0 records written out directly; stage 1 from their sum.
  TwoStageJob reference_job(97, 13);
  std::vector<RecordingReducer::Seen> expected;
  double sum = 0;
  for (std::uint64_t t = 0; t < 97; ++t) {
    std::vector<double> v;
    for (std::uint64_t j = 0; j < t % 4; ++j) v.push_back(std::sin(double(t + j)));
    for (double x : v) sum += x;
    expected.push_back({0, t, v, {}});
  }
  for (std::uint64_t t = 0; t < 13; ++t) expected.push_back({1, t, {double(t) * sum}, {}});

  TwoStageJob job(97, 13);
  const auto ctx = context(
      "shape_" + std::to_string(workers) + "_" + std::to_string(chunk) + "_" + std::to_string(depth), chunk, depth);
  const auto summary = run_world(job, workers, ctx);
  EXPECT_EQ(summary.tasks, 110u);
  EXPECT_EQ(summary.failed_count, 0u);
  expect_in_order(job.recorder, 97, 13);
  EXPECT_EQ(job.recorder.seen, expected);
  EXPECT_TRUE(fs::exists(ctx.output));
  EXPECT_FALSE(fs::exists(coordinator::journal_path(ctx.output)));
}

INSTANTIATE_TEST_SUITE_P(WorkersChunksAndDepths, RuntimeShapes,
                         ::testing::Combine(::testing::Values(1, 2, 3), ::testing::Values(0u, 1u, 7u),
                                            ::testing::Values(1u, 2u, 3u)));

//! Runs assignment `a` as worker::serve does (keeping its stage input in `input`) and sends the
//! result to rank 0.
void answer(const jobs::Job& job, cluster::Transport& transport, const cluster::Assignment& a,
            std::vector<double>& input) {
  if (a.has_stage_input) input = a.stage_input;
  cluster::ChunkResult result;
  worker::run_chunk(job, a.stage, input, a.first, a.count, result);
  std::vector<char> bytes;
  cluster::encode(result, bytes);
  transport.send(0, cluster::Tag::kResult, bytes);
}

//! A worker that asks for work once and then takes `depth` assignments before it answers any:
//! it gets them only if the coordinator sends the next chunks before the first result (without
//! a pipeline the coordinator waits for that result, and the worker gives up waiting after 30 s
//! with fewer). Then it runs what it holds in order and serves on like worker::serve. Returns
//! the assignments it held before its first answer.
std::vector<cluster::Assignment> serve_after_holding(const jobs::Job& job, cluster::Transport& transport,
                                                     std::size_t depth) {
  std::vector<char> bytes;
  cluster::encode(cluster::ChunkResult{}, bytes);
  transport.send(0, cluster::Tag::kResult, bytes);
  std::deque<cluster::Assignment> queue;
  cluster::Envelope envelope;
  while (queue.size() < depth && transport.receive(envelope, std::chrono::seconds(30)))
    cluster::decode(envelope.bytes, queue.emplace_back());
  const std::vector<cluster::Assignment> held(queue.begin(), queue.end());
  std::vector<double> input;
  for (;;) {
    if (queue.empty()) {
      if (!transport.receive(envelope, cluster::kWaitForever)) return held;
      cluster::decode(envelope.bytes, queue.emplace_back());
    }
    cluster::Assignment a = std::move(queue.front());
    queue.pop_front();
    if (a.count == 0) return held;
    answer(job, transport, a, input);
  }
}

class PipelineDepth : public ::testing::TestWithParam<std::size_t> {};

TEST_P(PipelineDepth, AWorkerHoldsItsNextChunksBeforeItAnswers) {
  const std::size_t depth = GetParam();
  auto transports = cluster::make_inprocess_transports(2);
  std::vector<cluster::Assignment> held;
  std::thread worker([&] {
    TwoStageJob job(30, 2);
    cluster::JobPayload p;
    transports[1]->share_job(p);
    held = serve_after_holding(job, *transports[1], depth);
  });
  TwoStageJob job(30, 2);
  cluster::JobPayload payload;
  transports[0]->share_job(payload);
  const auto summary = coordinator::run_coordinator(job, *transports[0], context("held", 1, depth));
  worker.join();
  ASSERT_EQ(held.size(), depth);
  for (std::size_t i = 0; i < depth; ++i) {
    EXPECT_EQ(held[i].stage, 0u);
    EXPECT_EQ(held[i].first, i);  // sent in task order, one task each (--chunk 1)
    EXPECT_EQ(held[i].count, 1u);
  }
  EXPECT_EQ(summary.failed_count, 0u);
  expect_in_order(job.recorder, 30, 2);
}

INSTANTIATE_TEST_SUITE_P(Depths, PipelineDepth, ::testing::Values(2u, 3u));

//! Answers assignments like worker::serve, without asking for work first (the test asks for it),
//! and says when the first assignment came.
void serve_without_asking(const jobs::Job& job, cluster::Transport& transport, std::atomic<bool>& assigned) {
  cluster::Envelope envelope;
  cluster::Assignment a;
  std::vector<double> input;
  while (transport.receive(envelope, cluster::kWaitForever)) {
    cluster::decode(envelope.bytes, a);
    assigned = true;
    if (a.count == 0) return;
    answer(job, transport, a, input);
  }
}

//! A TwoStageJob whose reducer, made once the run file exists, waits (up to 10 s) for the worker's
//! first assignment and notes whether it came.
class GatedJob final : public jobs::Job {
 public:
  GatedJob(TwoStageJob& inner, const std::atomic<bool>& assigned) : inner_(inner), assigned_(assigned) {}
  const jobs::SpecHeader& header() const override { return inner_.header(); }
  std::uint32_t num_stages() const override { return inner_.num_stages(); }
  const jobs::JobKind& kind() const override { return inner_.kind(); }
  std::uint64_t num_tasks(std::uint32_t s, jobs::StageInput in) const override { return inner_.num_tasks(s, in); }
  std::size_t max_task_values(std::uint32_t s, jobs::StageInput in) const override {
    return inner_.max_task_values(s, in);
  }
  void run_task(std::uint32_t s, jobs::StageInput in, std::uint64_t t, std::vector<double>& out) const override {
    inner_.run_task(s, in, t, out);
  }
  std::unique_ptr<jobs::Reducer> make_reducer(results::RunFile& file) const override {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!assigned_ && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    assigned_before_outputs = assigned_.load();
    return inner_.make_reducer(file);
  }
  mutable bool assigned_before_outputs = false;

 private:
  TwoStageJob& inner_;
  const std::atomic<bool>& assigned_;
};

// A fresh run hands out the chunk its worker asked for before it creates the run file and the
// reducer (the worker computes meanwhile); the result is the same. Created first, the reducer
// would wait in vain for an assignment that only comes after it.
TEST(Runtime, AFreshRunHandsOutTheFirstChunkBeforeItCreatesItsFiles) {
  auto transports = cluster::make_inprocess_transports(2);
  std::vector<char> request;
  cluster::encode(cluster::ChunkResult{}, request);  // the worker's request is in before rank 0 starts
  transports[1]->send(0, cluster::Tag::kResult, request);
  std::atomic<bool> assigned{false};
  TwoStageJob worker_job(25, 3);
  std::thread worker([&] { serve_without_asking(worker_job, *transports[1], assigned); });
  TwoStageJob inner(25, 3);
  const GatedJob job(inner, assigned);
  const auto summary = coordinator::run_coordinator(job, *transports[0], context("first_chunk", 4));
  worker.join();
  EXPECT_TRUE(job.assigned_before_outputs);
  EXPECT_EQ(summary.failed_count, 0u);
  expect_in_order(inner.recorder, 25, 3);
}

// Stage 0 starts once every worker has built the job and asked for work: a worker that finished
// its set-up after rank 0 (here 100 ms later) had its set-up counted as stage time, while the
// others took the chunks. No chunk goes out before the late worker's request; the result is the
// same.
TEST(Runtime, NoChunkGoesOutBeforeEveryWorkerHasAsked) {
  auto transports = cluster::make_inprocess_transports(3);
  std::atomic<bool> late_asked{false};
  std::atomic<int> asked_before_first_chunk{-1};  // late_asked when worker 1 got its first chunk
  TwoStageJob job1(40, 3), job2(40, 3);
  std::thread first([&] {
    std::vector<char> request;
    cluster::encode(cluster::ChunkResult{}, request);
    transports[1]->send(0, cluster::Tag::kResult, request);
    cluster::Envelope envelope;
    cluster::Assignment a;
    std::vector<double> input;
    while (transports[1]->receive(envelope, cluster::kWaitForever)) {
      cluster::decode(envelope.bytes, a);
      if (asked_before_first_chunk < 0) asked_before_first_chunk = late_asked ? 1 : 0;
      if (a.count == 0) return;
      answer(job1, *transports[1], a, input);
    }
  });
  std::thread late([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    late_asked = true;  // before worker::serve sends the request
    worker::serve(job2, *transports[2]);
  });
  TwoStageJob job(40, 3);
  const auto summary = coordinator::run_coordinator(job, *transports[0], context("late_worker", 1));
  first.join();
  late.join();
  EXPECT_EQ(asked_before_first_chunk, 1);
  EXPECT_EQ(summary.failed_count, 0u);
  expect_in_order(job.recorder, 40, 3);
}

TEST(Runtime, FailedTasksAreReportedAndTheRestCompletes) {
  TwoStageJob job(40, 3, {7, 31});
  const auto ctx = context("failures", 5);
  const auto summary = run_world(job, 2, ctx, {7, 31});
  EXPECT_EQ(summary.failed_count, 2u);
  ASSERT_EQ(summary.failed.size(), 2u);
  EXPECT_EQ(summary.failed[0].task, 7u);
  EXPECT_EQ(summary.failed[1].task, 31u);
  EXPECT_EQ(summary.failed[0].message, "task 7 refuses");
  EXPECT_GE(summary.failed[0].rank, 1);
  expect_in_order(job.recorder, 40, 3);
  EXPECT_EQ(job.recorder.seen[7].error, "task 7 refuses");
  EXPECT_TRUE(fs::exists(ctx.output));
}

TEST(Runtime, ResumeAfterACrashGivesTheUninterruptedResult) {
  TwoStageJob clean(200, 5);
  run_world(clean, 2, context("clean", 3));

  auto ctx = context("crashed", 3);
  TwoStageJob crashing(200, 5, {}, 120);
  EXPECT_THROW(run_world(crashing, 2, ctx), std::runtime_error);
  EXPECT_FALSE(fs::exists(ctx.output));
  EXPECT_TRUE(fs::exists(coordinator::journal_path(ctx.output)));

  ctx.resume = true;
  TwoStageJob resumed(200, 5);
  const auto summary = run_world(resumed, 3, ctx);
  EXPECT_GE(summary.replayed_tasks, 100u);
  EXPECT_EQ(resumed.recorder.seen, clean.recorder.seen);
  EXPECT_TRUE(fs::exists(ctx.output));
  EXPECT_FALSE(fs::exists(coordinator::journal_path(ctx.output)));
}

// A stage the job does not journal is recomputed on resume; the stages around it replay. The
// reference is the uninterrupted run's records, in order.
TEST(Runtime, ResumeRecomputesAStageTheJobDoesNotJournal) {
  TwoStageJob clean(200, 50);
  run_world(clean, 2, context("clean_unjournaled", 3));
  for (const std::uint32_t stage : {0u, 1u}) {
    auto ctx = context("unjournaled_" + std::to_string(stage), 3);
    TwoStageJob crashing(200, 50, {}, 230);  // crashes in stage 1, after 30 of its tasks
    crashing.unjournaled = stage;
    EXPECT_THROW(run_world(crashing, 2, ctx), std::runtime_error);
    ctx.resume = true;
    TwoStageJob resumed(200, 50);
    resumed.unjournaled = stage;
    const auto summary = run_world(resumed, 3, ctx);
    EXPECT_EQ(resumed.recorder.seen, clean.recorder.seen) << "stage " << stage << " left out of the journal";
    if (stage == 1) {
      EXPECT_EQ(summary.replayed_tasks, 200u);  // all of stage 0, none of stage 1
    } else {  // stage 0 recomputed; stage 1's chunks journaled before the 31st was reduced replayed
      EXPECT_GE(summary.replayed_tasks, 30u);
      EXPECT_LE(summary.replayed_tasks, 50u);
    }
  }
}

TEST(Runtime, ResumeRefusesAJournalOfAnotherSpec) {
  auto ctx = context("other_spec", 3);
  TwoStageJob crashing(50, 1, {}, 10);
  EXPECT_THROW(run_world(crashing, 1, ctx), std::runtime_error);
  ctx.resume = true;
  ctx.spec_text = "a different spec";
  TwoStageJob job(50, 1);
  EXPECT_THROW(run_world(job, 1, ctx), qg::ConfigError);
}

TEST(Runtime, ALongerLaterStageIsNotTakenForALostWorker) {
  // Stage 0's tasks take microseconds, stage 1's 300 ms each. Judged by stage 0's task time, the
  // one healthy worker would be presumed lost 0.2 s (the time-out) into its first stage-1 task,
  // and the run would end with "every worker is lost". Each stage expects what its own chunks
  // took, and nothing before the first of them comes back.
  TwoStageJob job(40, 3);
  job.stage1_sleep = std::chrono::milliseconds(300);
  auto ctx = context("later_stage", 1);
  ctx.worker_timeout = 0.2;
  const auto summary = run_world(job, 1, ctx);
  EXPECT_EQ(summary.reissued_chunks, 0u);
  expect_in_order(job.recorder, 40, 3);
}

TEST(Runtime, SilentWorkersChunkGoesToAnotherWorker) {
  // Rank 1 takes one chunk and never answers; rank 2 finishes the job.
  auto transports = cluster::make_inprocess_transports(3);
  std::thread silent([&] {
    cluster::JobPayload p;
    transports[1]->share_job(p);
    std::vector<char> request;
    cluster::encode(cluster::ChunkResult{}, request);
    transports[1]->send(0, cluster::Tag::kResult, request);
    cluster::Envelope e;
    transports[1]->receive(e, cluster::kWaitForever);  // takes a chunk, then goes quiet
  });
  std::thread healthy([&] {
    TwoStageJob job(30, 2);
    cluster::JobPayload p;
    transports[2]->share_job(p);
    worker::serve(job, *transports[2]);
  });
  TwoStageJob job(30, 2);
  auto ctx = context("silent", 4);
  ctx.worker_timeout = 0.2;
  cluster::JobPayload payload;
  transports[0]->share_job(payload);
  const auto summary = coordinator::run_coordinator(job, *transports[0], ctx);
  silent.join();
  healthy.join();
  EXPECT_GE(summary.reissued_chunks, 1u);
  expect_in_order(job.recorder, 30, 2);
}
