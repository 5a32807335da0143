// Chunk scheduling: guided sizes, fixed sizes, the look-ahead window, covered ranges and
// re-issue. Expected sizes are worked out by hand from the guided rule
// size = ceil(remaining / (2 * workers)), capped.
#include <gtest/gtest.h>

#include <vector>

#include "qg/coordinator/scheduler.hpp"

using qg::coordinator::ChunkScheduler;
using qg::coordinator::TaskRange;

namespace {
std::vector<TaskRange> drain(ChunkScheduler& s) {
  std::vector<TaskRange> out;
  while (auto r = s.next(~0ULL >> 1)) out.push_back(*r);
  return out;
}
}  // namespace

TEST(Scheduler, GuidedChunksShrinkAndCoverEveryTaskOnce) {
  ChunkScheduler s(100, 2, 0, 1000, 1000);
  const auto chunks = drain(s);
  // remaining 100 -> 25; 75 -> 19; 56 -> 14; 42 -> 11; 31 -> 8; 23 -> 6; 17 -> 5; 12 -> 3;
  // 9 -> 3; 6 -> 2; 4 -> 1; 3 -> 1; 2 -> 1; 1 -> 1
  const std::vector<std::uint64_t> sizes = {25, 19, 14, 11, 8, 6, 5, 3, 3, 2, 1, 1, 1, 1};
  ASSERT_EQ(chunks.size(), sizes.size());
  std::uint64_t next = 0;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    EXPECT_EQ(chunks[i].first, next);
    EXPECT_EQ(chunks[i].count, sizes[i]) << "chunk " << i;
    next = chunks[i].end();
  }
  EXPECT_EQ(next, 100u);
  EXPECT_TRUE(s.drained());
}

TEST(Scheduler, FixedChunkSize) {
  ChunkScheduler s(10, 3, 4, 1000, 1000);
  const auto chunks = drain(s);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[2], (TaskRange{8, 2}));
}

TEST(Scheduler, MaxChunkCapsGuidedSize) {
  ChunkScheduler s(1000, 1, 0, 7, 1000000);
  EXPECT_EQ(s.next(0)->count, 7u);
}

TEST(Scheduler, WindowHoldsBackUntilThePrefixAdvances) {
  ChunkScheduler s(100, 1, 10, 1000, 25);
  EXPECT_EQ(s.next(0), (TaskRange{0, 10}));
  EXPECT_EQ(s.next(0), (TaskRange{10, 10}));
  EXPECT_EQ(s.next(0), (TaskRange{20, 5}));  // clipped at reduced + window = 25
  EXPECT_FALSE(s.next(0).has_value());
  EXPECT_EQ(s.next(10), (TaskRange{25, 10}));
}

TEST(Scheduler, CoveredRangesAreSkipped) {
  ChunkScheduler s(20, 1, 5, 1000, 1000);
  s.mark_covered({0, 3});
  s.mark_covered({7, 4});
  const auto chunks = drain(s);
  const std::vector<TaskRange> expected = {{3, 4}, {11, 5}, {16, 4}};
  EXPECT_EQ(chunks, expected);
}

TEST(Scheduler, GuidedSizeCountsOnlyTasksLeftToIssue) {
  ChunkScheduler s(100, 1, 0, 1000, 1000);
  s.mark_covered({50, 50});
  // 50 tasks left: ceil(50 / 2) = 25.
  EXPECT_EQ(s.next(0), (TaskRange{0, 25}));
}

TEST(Scheduler, RequeuedRangeComesFirst) {
  ChunkScheduler s(10, 1, 5, 1000, 1000);
  auto a = s.next(0);
  s.requeue(*a);
  EXPECT_EQ(s.next(0), a);
  EXPECT_EQ(s.next(0), (TaskRange{5, 5}));
  EXPECT_TRUE(s.drained());
}

TEST(Scheduler, FixedChunkIsCappedAtAnEvenShareOfTheStage) {
  // 10 tasks, 2 workers, --chunk 8: one chunk of 8 would leave the second worker 2 tasks while
  // the first runs 8; the cap ceil(10 / 2) = 5 splits the stage evenly.
  ChunkScheduler s(10, 2, 8, 1000, 1000);
  const auto chunks = drain(s);
  const std::vector<TaskRange> expected = {{0, 5}, {5, 5}};
  EXPECT_EQ(chunks, expected);
}

TEST(Scheduler, GuidedChunksHoldATaskPerThread) {
  // One worker with 4 threads, 10 tasks: remaining 10 -> ceil(10 / 2) = 5; 5 -> 3, raised to 4
  // threads; 1 -> 1 (all that is left). With 1 thread the tail would be 5, 3, 1, 1.
  ChunkScheduler s(10, 1, 0, 1000, 1000, 4);
  std::vector<std::uint64_t> sizes;
  for (const auto& c : drain(s)) sizes.push_back(c.count);
  EXPECT_EQ(sizes, (std::vector<std::uint64_t>{5, 4, 1}));
  ChunkScheduler one(10, 1, 0, 1000, 1000, 1);
  sizes.clear();
  for (const auto& c : drain(one)) sizes.push_back(c.count);
  EXPECT_EQ(sizes, (std::vector<std::uint64_t>{5, 3, 1, 1}));
}

TEST(Scheduler, MaxChunkStillCapsAThreadsMinimum) {
  ChunkScheduler s(100, 1, 0, 3, 1000, 8);  // memory cap 3 beats 8 threads
  EXPECT_EQ(s.next(0)->count, 3u);
}

TEST(Scheduler, MinChunkRaisesTheGuidedTail) {
  ChunkScheduler s(100, 2, 0, 1000, 1000);
  s.set_min_chunk(10);
  const auto chunks = drain(s);
  // Guided as in the first test until the share falls under 10: remaining 100 -> 25; 75 -> 19;
  // 56 -> 14; 42 -> 11; then 31, 21 and 11 -> 10 (the minimum); the last task alone (end of stage).
  const std::vector<std::uint64_t> sizes = {25, 19, 14, 11, 10, 10, 10, 1};
  ASSERT_EQ(chunks.size(), sizes.size());
  for (std::size_t i = 0; i < chunks.size(); ++i) EXPECT_EQ(chunks[i].count, sizes[i]) << "chunk " << i;
}

TEST(Scheduler, MinChunkKeepsTheCapsAndLeavesFixedChunksAlone) {
  ChunkScheduler guided(100, 4, 0, 1000, 1000);
  guided.set_min_chunk(1000);
  EXPECT_EQ(guided.next(0)->count, 25u);  // ceil(100 / 4 workers): the even share still caps it
  ChunkScheduler capped(100, 1, 0, 7, 1000);
  capped.set_min_chunk(50);
  EXPECT_EQ(capped.next(0)->count, 7u);  // max_chunk still caps it
  ChunkScheduler fixed(10, 3, 4, 1000, 1000);
  fixed.set_min_chunk(8);
  const auto chunks = drain(fixed);
  const std::vector<TaskRange> expected = {{0, 4}, {4, 4}, {8, 2}};
  EXPECT_EQ(chunks, expected);
}

TEST(Scheduler, QueuedChunksStopBeforeTheStagesTail) {
  // --chunk 1, 2 workers, 6 tasks: a chunk queued behind another is handed out while the tasks
  // left after it are at least 2 x 1 (6 -> 5 left, ..., 3 -> 2 left); from 2 tasks left only a
  // worker that waits for work gets one.
  ChunkScheduler s(6, 2, 1, 1000, 1000);
  std::vector<TaskRange> queued;
  while (auto r = s.next(0, true)) queued.push_back(*r);
  EXPECT_EQ(queued, (std::vector<TaskRange>{{0, 1}, {1, 1}, {2, 1}, {3, 1}}));
  EXPECT_EQ(s.next(0), (TaskRange{4, 1}));
  EXPECT_EQ(s.next(0), (TaskRange{5, 1}));
  EXPECT_TRUE(s.drained());
}

TEST(Scheduler, QueuedGuidedChunksLeaveAChunkForEveryOtherWorker) {
  // Guided, 2 workers, 100 tasks, sizes as in the first test; each is handed out queued while
  // the tasks left after it are at least 2 x its size: 25 (75 left >= 50), 19 (56 >= 38),
  // 14 (42 >= 28), 11 (31 >= 22), 8 (23 >= 16), 6 (17 >= 12), 5 (12 >= 10), 3 (9 >= 6),
  // 3 (6 >= 6), 2 (4 >= 4), 1 (3 >= 2), 1 (2 >= 2); then 1 of 2 left (1 < 2) is refused, and
  // goes to a worker that waits.
  ChunkScheduler s(100, 2, 0, 1000, 1000);
  std::vector<std::uint64_t> sizes;
  while (auto r = s.next(0, true)) sizes.push_back(r->count);
  EXPECT_EQ(sizes, (std::vector<std::uint64_t>{25, 19, 14, 11, 8, 6, 5, 3, 3, 2, 1, 1}));
  EXPECT_EQ(s.next(0), (TaskRange{98, 1}));
}

TEST(Scheduler, RequeuedChunksGoToQueuesToo) {
  ChunkScheduler s(2, 2, 1, 1000, 1000);
  const auto a = s.next(0);
  s.next(0);
  s.requeue(*a);
  EXPECT_EQ(s.next(0, true), a);  // a lost worker's chunk is due whatever the tail
}
