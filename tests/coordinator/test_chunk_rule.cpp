// The chunk-size rule: the smallest chunk c with N * (per_chunk + c * per_task) <= load * c * t.
// Expected sizes are worked out by hand from c = ceil(N * per_chunk / (load * t - N * per_task)).
#include <gtest/gtest.h>

#include <limits>

#include "qg/coordinator/chunk_rule.hpp"

using qg::coordinator::min_chunk_for_load;
using qg::coordinator::ServiceCost;

TEST(ChunkRule, FixedCostOnly) {
  // 1,023 workers, 10 us per chunk, 10 ms tasks, rank 0 at most 10% busy:
  // 1023 * 10e-6 / (0.1 * 10e-3) = 10.23 -> 11 tasks per chunk.
  EXPECT_EQ(min_chunk_for_load(1023, {10e-6, 0.0}, 10e-3, 0.1), 11u);
  // 255 workers: 255 * 10e-6 / 1e-3 = 2.55 -> 3.
  EXPECT_EQ(min_chunk_for_load(255, {10e-6, 0.0}, 10e-3, 0.1), 3u);
}

TEST(ChunkRule, PerTaskCostLeavesLessRoomPerChunk) {
  // spare = 0.1 * 10e-3 - 1023 * 0.5e-6 = 1e-3 - 5.115e-4 = 4.885e-4 s per task;
  // c = 1023 * 10e-6 / 4.885e-4 = 20.94 -> 21.
  EXPECT_EQ(min_chunk_for_load(1023, {10e-6, 0.5e-6}, 10e-3, 0.1), 21u);
}

TEST(ChunkRule, NoChunkIsNeededWhenRankZeroHasRoom) {
  // 2 workers, 5 us per chunk, 1 ms tasks: 2 * 5e-6 / 1e-4 = 0.1 -> 1.
  EXPECT_EQ(min_chunk_for_load(2, {5e-6, 0.0}, 1e-3, 0.1), 1u);
  EXPECT_EQ(min_chunk_for_load(1023, {10e-6, 0.0}, 0.0, 0.1), 1u);  // no task measured yet
  EXPECT_EQ(min_chunk_for_load(1023, {0.0, 0.0}, 10e-3, 0.1), 1u);  // no cost measured yet
}

TEST(ChunkRule, SaturatedByPerTaskCost) {
  // 1023 * 1e-6 = 1.023e-3 > 0.1 * 10e-3: no chunk size keeps rank 0 under 10%; the size where the
  // fixed cost is a tenth of the turn: ceil(9 * 10e-6 / 1e-6) = 90.
  EXPECT_EQ(min_chunk_for_load(1023, {10e-6, 1e-6}, 10e-3, 0.1), 90u);
  EXPECT_EQ(min_chunk_for_load(4, {10e-6, 0.0}, 10e-3, 0.0), std::numeric_limits<std::uint64_t>::max());
}
