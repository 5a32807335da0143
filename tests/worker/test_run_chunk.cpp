// The worker's chunk runner: records land in task-id order whatever the threads do, the stage
// input reaches every task, a task that throws becomes an error record and the others complete.
#include <gtest/gtest.h>

#include <cmath>

#include "qg/worker/worker.hpp"
#include "qg_testing/failing_job.hpp"
#include "qg_testing/fake_job_kind.hpp"

namespace qg::worker {
namespace {

//! Task t returns t % 3 + 1 values: input[0] * t + j for j = 0.. (input empty: 0 * t + j).
class CountingJob final : public jobs::Job {
 public:
  CountingJob() { header_.kind = "test"; }
  const jobs::SpecHeader& header() const override { return header_; }
  const jobs::JobKind& kind() const override { return testing::fake_job_kind(); }
  std::uint32_t num_stages() const override { return 2; }
  std::uint64_t num_tasks(std::uint32_t, jobs::StageInput) const override { return 100; }
  std::size_t max_task_values(std::uint32_t, jobs::StageInput) const override { return 3; }
  void run_task(std::uint32_t, jobs::StageInput input, std::uint64_t t, std::vector<double>& out) const override {
    const double scale = input.empty() ? 0.0 : input[0];
    out.clear();
    for (std::uint64_t j = 0; j <= t % 3; ++j) out.push_back(scale * double(t) + double(j));
  }
  std::unique_ptr<jobs::Reducer> make_reducer(results::RunFile&) const override { return nullptr; }

 private:
  jobs::SpecHeader header_;
};

//! The records run_chunk should produce, built by a plain loop.
std::vector<double> expected_values(std::uint64_t first, std::uint64_t count, double scale) {
  std::vector<double> out;
  for (std::uint64_t t = first; t < first + count; ++t)
    for (std::uint64_t j = 0; j <= t % 3; ++j) out.push_back(scale * double(t) + double(j));
  return out;
}

TEST(RunChunk, RecordsInTaskOrderWithTheStageInput) {
  CountingJob job;
  const std::vector<double> input{2.5};
  cluster::ChunkResult result;
  run_chunk(job, 1, input, 10, 57, result);
  EXPECT_EQ(result.stage, 1u);
  EXPECT_EQ(result.first, 10u);
  ASSERT_EQ(result.lengths.size(), 57u);
  for (std::uint64_t i = 0; i < 57; ++i) EXPECT_EQ(result.lengths[i], (10 + i) % 3 + 1) << i;
  EXPECT_EQ(result.values, expected_values(10, 57, 2.5));
  EXPECT_TRUE(result.errors.empty());
}

TEST(RunChunk, ASingleTaskChunk) {
  CountingJob job;
  cluster::ChunkResult result;
  run_chunk(job, 0, {}, 5, 1, result);
  EXPECT_EQ(result.values, expected_values(5, 1, 0.0));
}

TEST(RunChunk, ASingleTaskChunkReplacesWhatTheResultHeld) {
  CountingJob job;
  cluster::ChunkResult result;
  run_chunk(job, 0, {}, 0, 20, result);  // the worker reuses one result for every chunk
  run_chunk(job, 0, {}, 8, 1, result);
  ASSERT_EQ(result.lengths.size(), 1u);
  EXPECT_EQ(result.lengths[0], 8u % 3 + 1);
  EXPECT_EQ(result.values, expected_values(8, 1, 0.0));
  EXPECT_EQ(result.first, 8u);
  EXPECT_EQ(result.count, 1u);
}

TEST(RunChunk, AFailedSingleTaskChunkHasNoRecords) {
  CountingJob inner;
  const testing::FailingJob job(inner, {{0, 7}});
  cluster::ChunkResult result;
  run_chunk(job, 0, {}, 5, 1, result);  // task 5 holds records; the next chunk's task fails
  run_chunk(job, 0, {}, 7, 1, result);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].task, 7u);
  EXPECT_EQ(result.errors[0].message, "injected failure");
  ASSERT_EQ(result.lengths.size(), 1u);
  EXPECT_EQ(result.lengths[0], 0u);
  EXPECT_TRUE(result.values.empty());
  run_chunk(job, 0, {}, 8, 1, result);  // errors do not carry over to the next chunk
  EXPECT_TRUE(result.errors.empty());
  EXPECT_EQ(result.values, expected_values(8, 1, 0.0));
}

TEST(RunChunk, FailedTasksBecomeSortedErrorsAndTheRestComplete) {
  CountingJob inner;
  const testing::FailingJob job(inner, {{0, 12}, {0, 3}, {1, 4}});
  cluster::ChunkResult result;
  run_chunk(job, 0, {}, 0, 20, result);
  ASSERT_EQ(result.errors.size(), 2u);
  EXPECT_EQ(result.errors[0].task, 3u);
  EXPECT_EQ(result.errors[1].task, 12u);
  EXPECT_EQ(result.errors[0].message, "injected failure");
  EXPECT_EQ(result.lengths[3], 0u);
  EXPECT_EQ(result.lengths[12], 0u);
  std::vector<double> expected;
  for (std::uint64_t t = 0; t < 20; ++t)
    if (t != 3 && t != 12)
      for (std::uint64_t j = 0; j <= t % 3; ++j) expected.push_back(double(j));
  EXPECT_EQ(result.values, expected);
}

//! What ChunkRunner writes for a chunk, decoded.
cluster::ChunkResult run_encoded(ChunkRunner& runner, const jobs::Job& job, std::uint32_t stage, jobs::StageInput input,
                                 std::uint64_t first, std::uint64_t count) {
  cluster::ChunkResult meta;
  std::vector<char> message;
  runner.run(job, stage, input, first, count, meta, message);
  cluster::ChunkResult decoded;
  cluster::decode(message, decoded);
  EXPECT_EQ(decoded.errors.size(), meta.errors.size());
  EXPECT_EQ(decoded.lengths, meta.lengths);
  return decoded;
}

TEST(ChunkRunner, TheMessageHoldsTheRecordsInTaskOrder) {
  CountingJob job;
  ChunkRunner runner;
  const std::vector<double> input{2.5};
  const auto r = run_encoded(runner, job, 1, input, 10, 57);  // 57 tasks: the values start unaligned
  EXPECT_EQ(r.stage, 1u);
  EXPECT_EQ(r.first, 10u);
  EXPECT_EQ(r.count, 57u);
  EXPECT_EQ(r.values, expected_values(10, 57, 2.5));
  for (std::uint64_t i = 0; i < 57; ++i) EXPECT_EQ(r.lengths[i], (10 + i) % 3 + 1) << i;
}

TEST(ChunkRunner, KeptRecordBuffersDoNotCarryOverAndErrorsAreSorted) {
  // The runner keeps its tasks' buffers: a later, smaller chunk must hold only its own records,
  // and failures stay per chunk.
  CountingJob inner;
  const testing::FailingJob job(inner, {{0, 33}, {0, 31}});
  ChunkRunner runner;
  EXPECT_EQ(run_encoded(runner, job, 0, {}, 0, 20).values, expected_values(0, 20, 0.0));
  const auto failed = run_encoded(runner, job, 0, {}, 30, 5);
  ASSERT_EQ(failed.errors.size(), 2u);
  EXPECT_EQ(failed.errors[0].task, 31u);
  EXPECT_EQ(failed.errors[1].task, 33u);
  std::vector<double> expected;
  for (std::uint64_t t : {30, 32, 34})
    for (std::uint64_t j = 0; j <= t % 3; ++j) expected.push_back(double(j));
  EXPECT_EQ(failed.values, expected);
  const auto single = run_encoded(runner, job, 0, {}, 8, 1);
  EXPECT_EQ(single.values, expected_values(8, 1, 0.0));
  EXPECT_TRUE(single.errors.empty());
  EXPECT_EQ(run_encoded(runner, job, 0, {}, 40, 3).values, expected_values(40, 3, 0.0));
}

//! Task t appends one value, t, to whatever `out` holds.
class AppendingJob final : public jobs::Job {
 public:
  AppendingJob() { header_.kind = "test"; }
  const jobs::SpecHeader& header() const override { return header_; }
  const jobs::JobKind& kind() const override { return testing::fake_job_kind(); }
  std::uint32_t num_stages() const override { return 1; }
  std::uint64_t num_tasks(std::uint32_t, jobs::StageInput) const override { return 100; }
  std::size_t max_task_values(std::uint32_t, jobs::StageInput) const override { return 1; }
  void run_task(std::uint32_t, jobs::StageInput, std::uint64_t t, std::vector<double>& out) const override {
    out.push_back(double(t));
  }
  std::unique_ptr<jobs::Reducer> make_reducer(results::RunFile&) const override { return nullptr; }

 private:
  jobs::SpecHeader header_;
};

TEST(ChunkRunner, ATaskThatAppendsSeesAnEmptyBufferInEveryChunk) {
  AppendingJob job;
  ChunkRunner runner;
  EXPECT_EQ(run_encoded(runner, job, 0, {}, 0, 4).values, (std::vector<double>{0, 1, 2, 3}));
  EXPECT_EQ(run_encoded(runner, job, 0, {}, 10, 3).values, (std::vector<double>{10, 11, 12}));
}

TEST(FailingJob, ParsesTaskLists) {
  EXPECT_EQ(testing::parse_task_ids("0:3,1:17"), (testing::TaskIds{{0, 3}, {1, 17}}));
  EXPECT_THROW(testing::parse_task_ids("3"), std::invalid_argument);
}

}  // namespace
}  // namespace qg::worker
