// The reorder buffer releases chunks to the reducer in task-id order, whatever order they
// arrive in, and drops chunks received twice.
#include <gtest/gtest.h>

#include "qg/coordinator/reorder.hpp"
#include "recording_reducer.hpp"

using qg::cluster::ChunkResult;
using qg::coordinator::ReorderBuffer;
using qg::testing::RecordingReducer;

namespace {
//! A chunk whose task i carries the single value 10*i.
ChunkResult chunk(std::uint64_t first, std::uint64_t count) {
  ChunkResult c;
  c.first = first;
  c.count = count;
  for (std::uint64_t i = 0; i < count; ++i) {
    c.lengths.push_back(1);
    c.values.push_back(10.0 * static_cast<double>(first + i));
  }
  return c;
}
}  // namespace

TEST(Reorder, DeliversInTaskOrderWhateverTheArrivalOrder) {
  RecordingReducer reducer;
  ReorderBuffer buffer(reducer, 0, nullptr);
  buffer.add(chunk(5, 3), 1);
  buffer.add(chunk(2, 3), 2);
  EXPECT_TRUE(reducer.seen.empty());
  EXPECT_EQ(buffer.buffered_values(), 6u);
  buffer.add(chunk(0, 2), 1);
  ASSERT_EQ(reducer.seen.size(), 8u);
  for (std::uint64_t t = 0; t < 8; ++t) {
    EXPECT_EQ(reducer.seen[t].task, t);
    EXPECT_EQ(reducer.seen[t].values, std::vector<double>{10.0 * double(t)});
  }
  EXPECT_EQ(buffer.reduced(), 8u);
  EXPECT_EQ(buffer.buffered_values(), 0u);
}

TEST(Reorder, DuplicatesAreDropped) {
  RecordingReducer reducer;
  ReorderBuffer buffer(reducer, 0, nullptr);
  buffer.add(chunk(0, 2), 1);
  buffer.add(chunk(4, 1), 1);
  EXPECT_TRUE(buffer.is_duplicate(chunk(0, 2)));
  EXPECT_TRUE(buffer.is_duplicate(chunk(4, 1)));
  EXPECT_FALSE(buffer.is_duplicate(chunk(2, 2)));
  buffer.add(chunk(0, 2), 2);
  buffer.add(chunk(4, 1), 2);
  EXPECT_EQ(reducer.seen.size(), 2u);
}

TEST(Reorder, FailedTasksGoToTheReducerAndTheSink) {
  RecordingReducer reducer;
  std::vector<std::pair<std::uint64_t, int>> sunk;
  ReorderBuffer buffer(reducer, 0, [&](std::uint32_t, std::uint64_t task, int rank, const std::string&) {
    sunk.emplace_back(task, rank);
  });
  auto c = chunk(0, 3);
  c.lengths = {1, 0, 1};
  c.values = {0.0, 20.0};
  c.errors = {{1, "bad"}};
  buffer.add(std::move(c), 2);
  ASSERT_EQ(reducer.seen.size(), 3u);
  EXPECT_EQ(reducer.seen[1].error, "bad");
  EXPECT_EQ(reducer.seen[2].values, std::vector<double>{20.0});
  ASSERT_EQ(sunk.size(), 1u);
  EXPECT_EQ(sunk[0], std::make_pair(std::uint64_t{1}, 2));
}
