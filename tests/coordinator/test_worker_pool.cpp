// The bounded pipeline of workers on rank 0 (WorkerPool): which worker gets the next chunk, how
// many each holds, and what a lost worker's chunks become. Expected slots are worked out by hand
// from the rule "fewest chunks held first, then the longest waiting".
#include <gtest/gtest.h>

#include "qg/coordinator/worker_pool.hpp"

using qg::coordinator::HeldChunk;
using qg::coordinator::TaskRange;
using qg::coordinator::WorkerPool;
using qg::coordinator::WorkerSlot;

namespace {

const WorkerPool::Clock::time_point t0{};

WorkerPool::Clock::time_point at(int ms) { return t0 + std::chrono::milliseconds(ms); }

HeldChunk chunk(std::uint64_t first, std::uint64_t count = 1) { return {0, TaskRange{first, count}}; }

//! Sends chunks [first, first+n) one task each to whatever next_slot() names; returns the slots.
std::vector<WorkerSlot> fill(WorkerPool& pool, std::uint64_t first, int n) {
  std::vector<WorkerSlot> slots;
  for (int i = 0; i < n; ++i) {
    const auto slot = pool.next_slot();
    if (!slot) break;
    slots.push_back(*slot);
    pool.assign(slot->worker, chunk(first + static_cast<std::uint64_t>(i)), at(0));
  }
  return slots;
}

}  // namespace

TEST(WorkerPool, NoSlotBeforeAWorkerAsks) {
  WorkerPool pool(3, 2);
  EXPECT_FALSE(pool.next_slot().has_value());
}

TEST(WorkerPool, AWorkerHoldsDepthChunks) {
  WorkerPool pool(2, 2);
  pool.join(1);
  const auto slots = fill(pool, 0, 5);
  // Position 0: it waits for work; position 1: the chunk waits behind the first. Then full.
  EXPECT_EQ(slots, (std::vector<WorkerSlot>{{1, 0}, {1, 1}}));
  ASSERT_EQ(pool.held(1).size(), 2u);
  EXPECT_EQ(pool.held(1)[0], chunk(0));
  EXPECT_EQ(pool.held(1)[1], chunk(1));
}

TEST(WorkerPool, DepthOneIsOneChunkPerWorker) {
  WorkerPool pool(3, 1);
  pool.join(1);
  pool.join(2);
  EXPECT_EQ(fill(pool, 0, 5), (std::vector<WorkerSlot>{{1, 0}, {2, 0}}));
}

TEST(WorkerPool, WaitingWorkersComeBeforeQueuedChunks) {
  WorkerPool pool(3, 2);
  pool.join(1);
  pool.join(2);
  // Both first get a chunk they start at once, then each a second one.
  EXPECT_EQ(fill(pool, 0, 5), (std::vector<WorkerSlot>{{1, 0}, {2, 0}, {1, 1}, {2, 1}}));
  // Worker 2 answers both of its chunks, worker 1 one: 2 holds nothing and goes first; then both
  // hold one, and 2 has waited longer for its second place (freed at 1 ms, 1's at 2 ms).
  pool.complete(2, 0, 1, at(1));
  pool.complete(1, 0, 0, at(2));
  pool.complete(2, 0, 3, at(3));
  EXPECT_EQ(fill(pool, 4, 5), (std::vector<WorkerSlot>{{2, 0}, {2, 1}, {1, 1}}));
}

TEST(WorkerPool, CompleteTimesTheOldestChunkFromItsStart) {
  WorkerPool pool(2, 2);
  pool.join(1);
  pool.assign(1, chunk(0), at(10));
  pool.assign(1, chunk(1), at(11));
  EXPECT_EQ(pool.computing_since(1), at(10));
  EXPECT_EQ(pool.complete(1, 0, 0, at(15)), at(10));  // sent at 10, answered at 15
  EXPECT_EQ(pool.computing_since(1), at(15));         // the queued chunk starts when the first ends
  EXPECT_EQ(pool.complete(1, 0, 1, at(18)), at(15));
  EXPECT_FALSE(pool.complete(1, 0, 7, at(19)).has_value());  // never sent
  EXPECT_TRUE(pool.idle(1));
}

TEST(WorkerPool, ChunksOfAnotherStageAreKeptApart) {
  WorkerPool pool(2, 2);
  pool.join(1);
  pool.assign(1, {0, TaskRange{0, 4}}, at(0));
  pool.assign(1, {1, TaskRange{0, 4}}, at(0));
  EXPECT_FALSE(pool.complete(1, 2, 0, at(1)).has_value());  // never sent: nothing changes
  EXPECT_EQ(pool.held(1).size(), 2u);
  // Stage 1's chunk answered before stage 0's (out of order): taken off, but not timed.
  EXPECT_FALSE(pool.complete(1, 1, 0, at(1)).has_value());
  ASSERT_EQ(pool.held(1).size(), 1u);
  EXPECT_EQ(pool.held(1)[0].stage, 0u);
  EXPECT_EQ(pool.next_slot(), (WorkerSlot{1, 1}));
}

TEST(WorkerPool, ALostWorkersChunksAreReissuedOnce) {
  WorkerPool pool(3, 2);
  pool.join(1);
  pool.join(2);
  fill(pool, 0, 4);  // 1: 0, 2; 2: 1, 3
  const auto reissued = pool.presume_lost(1);
  EXPECT_EQ(reissued, (std::vector<HeldChunk>{{0, {0, 1}, true}, {0, {2, 1}, true}}));
  EXPECT_TRUE(pool.lost(1));
  EXPECT_TRUE(pool.presume_lost(1).empty());  // already handed out again
  pool.complete(2, 0, 1, at(1));
  EXPECT_EQ(fill(pool, 4, 3), (std::vector<WorkerSlot>{{2, 1}}));  // never the lost worker
}

TEST(WorkerPool, ALostWorkerThatAnswersTakesChunksAgain) {
  WorkerPool pool(2, 2);
  pool.join(1);
  fill(pool, 0, 2);
  pool.presume_lost(1);
  EXPECT_FALSE(pool.next_slot().has_value());
  pool.complete(1, 0, 0, at(5));
  EXPECT_FALSE(pool.lost(1));
  EXPECT_EQ(pool.next_slot(), (WorkerSlot{1, 1}));  // it still computes chunk 1
  // A chunk it holds that was handed out again is not handed out a third time.
  pool.assign(1, chunk(9), at(5));
  EXPECT_EQ(pool.presume_lost(1), (std::vector<HeldChunk>{{0, {9, 1}, true}}));
}

TEST(WorkerPool, LeaveAndJoinAroundACollectiveTask) {
  WorkerPool pool(3, 2);
  pool.join(1);
  pool.join(2);
  EXPECT_TRUE(pool.idle(1));
  pool.leave(1);
  EXPECT_FALSE(pool.idle(1));
  EXPECT_EQ(fill(pool, 0, 3), (std::vector<WorkerSlot>{{2, 0}, {2, 1}}));
  pool.join(1);
  EXPECT_EQ(pool.next_slot(), (WorkerSlot{1, 0}));
}

TEST(WorkerPool, ADeeperPipelineOffersEveryWorkerTheNewPlacesInTurn) {
  WorkerPool pool(3, 2);
  pool.join(1);
  pool.join(2);
  EXPECT_EQ(fill(pool, 0, 9), (std::vector<WorkerSlot>{{1, 0}, {2, 0}, {1, 1}, {2, 1}}));
  pool.set_depth(4);
  EXPECT_EQ(pool.depth(), 4u);
  // Both hold two; their third and fourth places go in turn, 1 first (offered first).
  EXPECT_EQ(fill(pool, 4, 9), (std::vector<WorkerSlot>{{1, 2}, {2, 2}, {1, 3}, {2, 3}}));
  EXPECT_EQ(pool.held(1).size(), 4u);
}

TEST(WorkerPool, AShallowerPipelineKeepsWhatIsHeldAndTakesNoMore) {
  WorkerPool pool(2, 4);
  pool.join(1);
  EXPECT_EQ(fill(pool, 0, 9).size(), 4u);
  pool.set_depth(2);
  EXPECT_FALSE(pool.next_slot().has_value());  // holds 4 > 2
  pool.complete(1, 0, 0, at(1));
  pool.complete(1, 0, 1, at(2));
  EXPECT_FALSE(pool.next_slot().has_value());  // holds 2: still full
  pool.complete(1, 0, 2, at(3));
  EXPECT_EQ(fill(pool, 4, 9), (std::vector<WorkerSlot>{{1, 1}}));  // one place again
  // Deeper again: the worker, which held more than the old depth when it shrank, gets every new place.
  pool.set_depth(5);
  EXPECT_EQ(fill(pool, 5, 9), (std::vector<WorkerSlot>{{1, 2}, {1, 3}, {1, 4}}));
}
