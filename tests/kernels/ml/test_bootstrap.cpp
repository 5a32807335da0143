// Moving-block bootstrap: exact sample count, blocks inside the series, determinism per
// (seed, member), independence of members, and roughly uniform block starts.
#include <gtest/gtest.h>

#include <vector>

#include "qg/core/error.hpp"
#include "qg/kernels/ml/bootstrap.hpp"

namespace qg::kernels::ml {
namespace {

TEST(MlBootstrap, BlocksCoverExactlyNSamples) {
  for (std::int64_t n : {1, 7, 100, 1001}) {
    for (std::int64_t b : {std::int64_t{1}, std::int64_t{3}, n}) {
      if (b > n) continue;
      const auto blocks = block_bootstrap(n, b, 42, 3);
      ASSERT_EQ(static_cast<std::int64_t>(blocks.size()), (n + b - 1) / b);
      EXPECT_EQ(range_count(blocks), n);
      for (std::size_t i = 0; i < blocks.size(); ++i) {
        EXPECT_GE(blocks[i].begin, 0);
        EXPECT_LE(blocks[i].end, n);
        EXPECT_EQ(blocks[i].size(), i + 1 < blocks.size() ? b : n - b * static_cast<std::int64_t>(blocks.size() - 1));
      }
    }
  }
  EXPECT_THROW(block_bootstrap(5, 6, 1, 0), KernelError);
  EXPECT_THROW(block_bootstrap(5, 0, 1, 0), KernelError);
}

TEST(MlBootstrap, DeterministicPerSeedAndMember) {
  const auto a = block_bootstrap(500, 10, 7, 2), b = block_bootstrap(500, 10, 7, 2);
  const auto other_member = block_bootstrap(500, 10, 7, 3), other_seed = block_bootstrap(500, 10, 8, 2);
  auto starts = [](const std::vector<IndexRange>& v) {
    std::vector<std::int64_t> s;
    for (const auto& r : v) s.push_back(r.begin);
    return s;
  };
  EXPECT_EQ(starts(a), starts(b));
  EXPECT_NE(starts(a), starts(other_member));
  EXPECT_NE(starts(a), starts(other_seed));
}

// 500 samples in blocks of 10: 491 possible starts. 400 members draw 20,000 starts, about 40.7
// per value (sd 6.4); every value is drawn, and none more than 80 times (6 sd).
TEST(MlBootstrap, StartsAreRoughlyUniform) {
  std::vector<int> counts(491, 0);
  for (std::uint32_t m = 0; m < 400; ++m)
    for (const auto& r : block_bootstrap(500, 10, 11, m)) ++counts[static_cast<std::size_t>(r.begin)];
  for (int c : counts) {
    EXPECT_GT(c, 0);
    EXPECT_LT(c, 81);
  }
}

}  // namespace
}  // namespace qg::kernels::ml
