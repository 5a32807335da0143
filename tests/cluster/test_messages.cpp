// Message encoding: every field survives a round trip, and damaged buffers are refused.
#include <gtest/gtest.h>

#include <cstring>
#include <span>

#include "qg/cluster/messages.hpp"
#include "qg/core/error.hpp"

using namespace qg::cluster;

TEST(Messages, AssignmentRoundTrip) {
  Assignment a;
  a.stage = 2;
  a.first = 123456789012ULL;
  a.count = 77;
  a.has_stage_input = true;
  a.stage_input = {1.5, -2.25, 3.0};
  std::vector<char> bytes;
  encode(a, bytes);
  Assignment b;
  decode(bytes, b);
  EXPECT_EQ(b.stage, 2u);
  EXPECT_EQ(b.first, a.first);
  EXPECT_EQ(b.count, 77u);
  EXPECT_TRUE(b.has_stage_input);
  EXPECT_EQ(b.stage_input, a.stage_input);
  EXPECT_FALSE(b.collective);
  EXPECT_FALSE(b.rank_lost);
  a.collective = true;
  bytes.clear();
  encode(a, bytes);
  decode(bytes, b);
  EXPECT_TRUE(b.collective);
  EXPECT_FALSE(b.rank_lost);
  Assignment stop;  // count 0, after a lost rank
  stop.rank_lost = true;
  bytes.clear();
  encode(stop, bytes);
  decode(bytes, b);
  EXPECT_EQ(b.count, 0u);
  EXPECT_TRUE(b.rank_lost);
  EXPECT_FALSE(b.collective);
}

TEST(Messages, EmptyStageInputIsStillFlagged) {
  Assignment a;
  a.has_stage_input = true;
  std::vector<char> bytes;
  encode(a, bytes);
  Assignment b;
  decode(bytes, b);
  EXPECT_TRUE(b.has_stage_input);
  EXPECT_TRUE(b.stage_input.empty());
}

TEST(Messages, ChunkResultRoundTripWithErrors) {
  ChunkResult r;
  r.stage = 1;
  r.first = 10;
  r.count = 3;
  r.seconds = 0.5;
  r.lengths = {2, 0, 1};
  r.values = {1.0, 2.0, 3.0};
  r.errors = {{11, "boom: division by zero"}};
  std::vector<char> bytes;
  encode(r, bytes);
  ChunkResult s;
  decode(bytes, s);
  EXPECT_EQ(s.first, 10u);
  EXPECT_EQ(s.count, 3u);
  EXPECT_EQ(s.lengths, r.lengths);
  EXPECT_EQ(s.values, r.values);
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_EQ(s.errors[0].task, 11u);
  EXPECT_EQ(s.errors[0].message, "boom: division by zero");
  EXPECT_EQ(s.task_values(2, 2)[0], 3.0);
}

TEST(Messages, ValuesWrittenIntoTheRoomLeftDecodeAsEncoded) {
  // An odd task count puts the values at an offset that is not a multiple of 8; the bytes must
  // still be those encode() writes (the reference) and decode to the same result.
  ChunkResult r;
  r.stage = 2;
  r.first = 7;
  r.count = 3;
  r.seconds = 0.25;
  r.lengths = {1, 2, 0};
  r.values = {-1.5, 4.0, 1e300};
  r.errors = {{9, "no data"}};
  std::vector<char> expected{'x'};  // both append after what the buffer holds
  encode(r, expected);
  std::vector<char> bytes{'x'};
  ChunkResult without_values = r;
  without_values.values.clear();
  const std::size_t at = encode_leaving_values(without_values, r.values.size(), bytes);
  EXPECT_EQ(at, 1 + 48 + 3 * sizeof(std::uint32_t));
  std::memcpy(bytes.data() + at, r.values.data(), r.values.size() * sizeof(double));
  EXPECT_EQ(bytes, expected);
  ChunkResult s;
  decode(std::span<const char>(bytes).subspan(1), s);
  EXPECT_EQ(s.values, r.values);
  EXPECT_EQ(s.lengths, r.lengths);
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_EQ(s.errors[0].message, "no data");
}

TEST(Messages, TruncatedBufferIsRefusedAtEveryLength) {
  ChunkResult r;
  r.count = 2;
  r.lengths = {1, 1};
  r.values = {1.0, 2.0};
  r.errors = {{0, "x"}};
  std::vector<char> bytes;
  encode(r, bytes);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    ChunkResult s;
    EXPECT_THROW(decode(std::span<const char>(bytes.data(), n), s), qg::ClusterError) << "length " << n;
  }
}

TEST(Messages, WrongTypeIsRefused) {
  Assignment a;
  std::vector<char> bytes;
  encode(a, bytes);
  ChunkResult r;
  EXPECT_THROW(decode(bytes, r), qg::ClusterError);
}

TEST(Messages, InconsistentLengthsAreRefused) {
  ChunkResult r;
  r.count = 1;
  r.lengths = {1};
  r.values = {1.0};
  std::vector<char> bytes;
  encode(r, bytes);
  bytes[4 + 4 + 8] = 2;  // count: 1 -> 2, the lengths no longer add up
  ChunkResult s;
  EXPECT_THROW(decode(bytes, s), qg::ClusterError);
}
