// HandOffThread: hand-overs are consumed in order, with their flags; up to `depth` may be outstanding
// before a hand-over waits; an error reaches the caller and nothing after it is consumed. The
// expected values are the sequences handed over (the consumer records what it saw).
#include "qg/core/hand_off_thread.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace qg {
namespace {

//! A consumer that records what it consumed and can be held before each consume until released.
struct Recorder {
  std::mutex mutex;
  std::vector<std::pair<std::vector<int>, bool>> seen;
  std::shared_future<void> gate;

  void consume(std::vector<int>& buffer, bool flag) {
    if (gate.valid()) gate.wait();
    std::lock_guard lock(mutex);
    seen.emplace_back(buffer, flag);
  }
};

TEST(HandOffThread, ConsumesEveryHandOverInOrderWithItsFlag) {
  Recorder r;
  {
    HandOffThread<std::vector<int>> h([&](std::vector<int>& b, bool f) { r.consume(b, f); }, 4);
    for (int i = 0; i < 10; ++i) {
      h.filling().assign({i, i + 1});
      h.hand_over(i % 3 == 0);
    }
    h.hand_over(false);  // empty and no flag: nothing to hand over
    h.hand_over(true);   // empty with a flag: handed over
    h.wait();
  }
  ASSERT_EQ(r.seen.size(), 11u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(r.seen[i].first, (std::vector<int>{i, i + 1}));
    EXPECT_EQ(r.seen[i].second, i % 3 == 0);
  }
  EXPECT_TRUE(r.seen[10].first.empty());
  EXPECT_TRUE(r.seen[10].second);
}

TEST(HandOffThread, DepthHandOversGoOutWhileTheThreadIsHeld) {
  // The thread is held in its first consume: `depth` hand-overs (that one and depth - 1 queued)
  // return without waiting; the next one waits until the thread is released.
  Recorder r;
  std::promise<void> release;
  r.gate = release.get_future().share();
  constexpr int kDepth = 3;
  HandOffThread<std::vector<int>> h([&](std::vector<int>& b, bool f) { r.consume(b, f); }, kDepth);
  for (int i = 0; i < kDepth; ++i) {
    h.filling().assign({i});
    h.hand_over();  // would wait for ever (the test times out) if depth were not honoured
  }
  std::atomic<bool> returned{false};
  std::thread next([&] {
    h.filling().assign({kDepth});
    h.hand_over();
    returned = true;
  });
  release.set_value();
  next.join();
  EXPECT_TRUE(returned);
  h.wait();
  ASSERT_EQ(r.seen.size(), static_cast<std::size_t>(kDepth + 1));
  for (int i = 0; i <= kDepth; ++i) EXPECT_EQ(r.seen[i].first, std::vector<int>{i});
}

TEST(HandOffThread, AnErrorReachesTheCallerAndNothingAfterItIsConsumed) {
  std::vector<int> consumed;
  std::promise<void> release;
  auto gate = release.get_future().share();
  HandOffThread<std::vector<int>> h(
      [&](std::vector<int>& b, bool) {
        gate.wait();
        if (b.front() == 1) throw std::runtime_error("disk full");
        consumed.push_back(b.front());
      },
      8);
  for (int i = 0; i < 4; ++i) {
    h.filling().assign({i});
    h.hand_over();  // 1 fails once released; 2 and 3 are queued behind it
  }
  release.set_value();
  EXPECT_THROW(h.wait(), std::runtime_error);
  EXPECT_EQ(consumed, std::vector<int>{0});
  h.filling().assign({5});
  EXPECT_THROW(h.hand_over(), std::runtime_error);
}

TEST(HandOffThread, ConsumedBuffersComeBackWithTheirCapacity) {
  HandOffThread<std::vector<int>> h([](std::vector<int>&, bool) {}, 2);
  h.filling().assign(1000, 7);
  h.hand_over();
  h.wait();
  h.filling().assign(10, 1);
  h.hand_over();  // takes the consumed buffer back for filling
  h.wait();
  EXPECT_TRUE(h.filling().empty());
  EXPECT_GE(h.filling().capacity(), 1000u);
}

}  // namespace
}  // namespace qg
