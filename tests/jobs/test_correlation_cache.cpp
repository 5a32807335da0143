// CorrelationCache: a kept block is computed once however many threads ask for it, and a table
// too large to keep is computed afresh on every request.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "overfitting/correlation_cache.hpp"

namespace qg::jobs {
namespace {

CorrelationCache::Block block_of(std::size_t b) {
  CorrelationCache::Block out;
  out.columns.assign(4, static_cast<float>(b) + 0.5f);
  out.sets = 2;
  out.varying = b;
  return out;
}

TEST(CorrelationCache, KeptBlocksAreComputedOnceAcrossThreads) {
  CorrelationCache cache(3, 1000, 1000);
  std::atomic<int> calls{0};
  const CorrelationCache::Compute compute = [&](std::size_t b) {
    ++calls;
    return block_of(b);
  };
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      for (std::size_t b = 0; b < 3; ++b) {
        const auto block = cache.get(b, compute);
        if (block->varying != b || block->columns.at(3) != static_cast<float>(b) + 0.5f) ++wrong;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(calls.load(), 3);  // one computation per block, 4 threads x 3 requests
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(cache.get(1, compute).get(), cache.get(1, compute).get());  // the same shared block
}

TEST(CorrelationCache, ATableOverTheLimitIsRecomputedEachTime) {
  CorrelationCache cache(3, 1001, 1000);
  int calls = 0;
  const CorrelationCache::Compute compute = [&](std::size_t b) {
    ++calls;
    return block_of(b);
  };
  EXPECT_EQ(cache.get(2, compute)->varying, 2u);
  EXPECT_EQ(cache.get(2, compute)->varying, 2u);
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace qg::jobs
