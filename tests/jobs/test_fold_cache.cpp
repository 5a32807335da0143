// The per-split cache of the train job: one build per split however many threads ask at once, a
// failed build retried, and a kept fit returned unchanged (its `make` not run again).
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "train/fold_cache.hpp"

namespace qg::jobs {
namespace {

FoldFit scaler_of(double v) {
  FoldFit f;
  f.scaler.mean = Eigen::VectorXd::Constant(2, v);
  f.scaler.scale = Eigen::VectorXd::Ones(2);
  return f;
}

TEST(FoldCache, OneBuildPerSplitUnderConcurrentUse) {
  FoldCache cache(3);
  std::atomic<int> builds[3] = {0, 0, 0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (std::size_t k = 0; k < 3; ++k) {
        const FoldFit& f = cache.get((k + static_cast<std::size_t>(t)) % 3, [&, k, t] {
          const std::size_t split = (k + static_cast<std::size_t>(t)) % 3;
          ++builds[split];
          return scaler_of(static_cast<double>(split));
        });
        EXPECT_EQ(f.scaler.mean(0), static_cast<double>((k + static_cast<std::size_t>(t)) % 3));
      }
    });
  for (auto& th : threads) th.join();
  for (const auto& b : builds) EXPECT_EQ(b.load(), 1);
}

TEST(FoldCache, AFailedBuildIsRetried) {
  FoldCache cache(1);
  EXPECT_THROW(cache.get(0, []() -> FoldFit { throw std::runtime_error("boom"); }), std::runtime_error);
  EXPECT_EQ(cache.get(0, [] { return scaler_of(4.0); }).scaler.mean(0), 4.0);
  EXPECT_EQ(cache.get(0, [] { return scaler_of(5.0); }).scaler.mean(0), 4.0);  // built once
}

TEST(FoldCache, FitsAreKeptPerSplitAndSet) {
  FoldCache cache(2);
  int made = 0;
  const auto fit_of = [&](double b0) {
    return [&made, b0] {
      ++made;
      kernels::ml::LinearFit f;
      f.coef = Eigen::VectorXd::Constant(2, b0);
      f.intercept = b0;
      return f;
    };
  };
  EXPECT_EQ(cache.fit(0, 7, fit_of(1.0)).intercept, 1.0);
  EXPECT_EQ(cache.fit(0, 7, fit_of(2.0)).intercept, 1.0);  // kept: make not run
  EXPECT_EQ(cache.fit(1, 7, fit_of(3.0)).intercept, 3.0);  // another split
  EXPECT_EQ(cache.fit(0, 8, fit_of(4.0)).intercept, 4.0);  // another set
  EXPECT_EQ(made, 3);
  EXPECT_THROW(cache.get(2, [] { return FoldFit{}; }), std::exception);
}

}  // namespace
}  // namespace qg::jobs
