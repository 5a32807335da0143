// The chunk-size rule: the smallest chunk c with N * per_chunk <= load * c * t and
// per_chunk + round_trip <= load * c * t. Expected sizes are worked out by hand from
// c = ceil(max(N * per_chunk, per_chunk + round_trip) / (load * t)).
#include <gtest/gtest.h>

#include "qg/coordinator/chunk_rule.hpp"

using qg::coordinator::min_chunk_for_load;

TEST(ChunkRule, ChunkGrowsWithWorkersAndFixedCost) {
  // 1,023 workers, 10 us per chunk, 10 ms tasks, rank 0 at most 10% busy with chunks:
  // 1023 * 10e-6 / (0.1 * 10e-3) = 10.23 -> 11 tasks per chunk.
  EXPECT_EQ(min_chunk_for_load(1023, {10e-6, 0.0, 0.0}, 10e-3, 0.1), 11u);
  // 255 workers: 255 * 10e-6 / 1e-3 = 2.55 -> 3.
  EXPECT_EQ(min_chunk_for_load(255, {10e-6, 0.0, 0.0}, 10e-3, 0.1), 3u);
  // 1 ms tasks, 1,023 workers: 10.23e-3 / 1e-4 = 102.3 -> 103.
  EXPECT_EQ(min_chunk_for_load(1023, {10e-6, 0.0, 0.0}, 1e-3, 0.1), 103u);
}

TEST(ChunkRule, PerTaskCostDoesNotChangeTheChunk) {
  // The per-task cost loads rank 0 the same whatever the chunk size: same answer as without it.
  EXPECT_EQ(min_chunk_for_load(1023, {10e-6, 5e-6, 0.0}, 10e-3, 0.1), 11u);
}

TEST(ChunkRule, RoundTripIsAmortized) {
  // 2 workers, 5 us per chunk, 1 ms round trip, 2 ms tasks: max(2 * 5e-6, 5e-6 + 1e-3) = 1.005e-3;
  // 1.005e-3 / (0.1 * 2e-3) = 5.025 -> 6 tasks per chunk.
  EXPECT_EQ(min_chunk_for_load(2, {5e-6, 0.0, 1e-3}, 2e-3, 0.1), 6u);
  // With 1,023 workers the fixed cost dominates: 1023 * 5e-6 = 5.115e-3 > 1.005e-3 -> 25.575 -> 26.
  EXPECT_EQ(min_chunk_for_load(1023, {5e-6, 0.0, 1e-3}, 2e-3, 0.1), 26u);
}

TEST(ChunkRule, ExactQuotientIsNotRoundedUp) {
  // 9 * 10e-6 / (1.0 * 1e-6) is 90.00000000000001 in doubles: 90 tasks, not 91.
  EXPECT_EQ(min_chunk_for_load(9, {10e-6, 0.0, 0.0}, 1e-6, 1.0), 90u);
}

TEST(ChunkRule, OneTaskWhenRankZeroHasRoomOrNothingIsMeasured) {
  // 2 workers, 5 us per chunk, 1 ms tasks: max(1e-5, 5e-6) / 1e-4 = 0.1 -> 1.
  EXPECT_EQ(min_chunk_for_load(2, {5e-6, 0.0, 0.0}, 1e-3, 0.1), 1u);
  EXPECT_EQ(min_chunk_for_load(1023, {10e-6, 0.0, 0.0}, 0.0, 0.1), 1u);  // no task measured yet
  EXPECT_EQ(min_chunk_for_load(1023, {0.0, 0.0, 0.0}, 10e-3, 0.1), 1u);  // no cost measured yet
}

using qg::coordinator::cap_for_tail;

TEST(ChunkRule, TailCapHoldsTheMinimumToAPartOfAWorkersShare) {
  // 1,552 tasks, one worker, 16 parts: ceil(1552 / 16) = 97; a rule asking 411 gets 97.
  EXPECT_EQ(cap_for_tail(411, 1552, 1, 16), 97u);
  // Below the cap the rule's answer stands: 2 workers, ceil(1552 / 32) = 49 > 20.
  EXPECT_EQ(cap_for_tail(20, 1552, 2, 16), 20u);
  // 1,023 workers x 200 tasks: ceil(204600 / 16368) = 13 caps a rule of 103.
  EXPECT_EQ(cap_for_tail(103, 204600, 1023, 16), 13u);
  // Never below one task, even for fewer tasks than parts.
  EXPECT_EQ(cap_for_tail(50, 3, 4, 16), 1u);
}

using qg::coordinator::pipeline_depth_for;

TEST(ChunkRule, PipelineDepthCoversTheQueuedTime) {
  // 250 us of queue over 5 us chunks: ceil(50) = 50 chunks; over 4 us: ceil(62.5) = 63.
  EXPECT_EQ(pipeline_depth_for(5e-6, 250e-6, 2, 64), 50u);
  EXPECT_EQ(pipeline_depth_for(4e-6, 250e-6, 2, 64), 63u);
  // Sub-microsecond chunks are held to the most; long chunks keep the base depth.
  EXPECT_EQ(pipeline_depth_for(1e-7, 250e-6, 2, 64), 64u);
  EXPECT_EQ(pipeline_depth_for(0.05, 250e-6, 2, 64), 2u);
  // Nothing measured yet (or nonsense): the base.
  EXPECT_EQ(pipeline_depth_for(0.0, 250e-6, 2, 64), 2u);
  EXPECT_EQ(pipeline_depth_for(-1.0, 250e-6, 3, 64), 3u);
}
