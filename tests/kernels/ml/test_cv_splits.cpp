// Samples, labels and CV splits: scikit-learn's documented TimeSeriesSplit examples, array_split
// fold sizes, purging and embargo by hand, and the CPCV path bookkeeping (each path tests every
// group exactly once; each split's test groups appear on exactly one path each).
#include <gtest/gtest.h>

#include <set>

#include "qg/core/error.hpp"
#include "qg/kernels/ml/cv_splits.hpp"
#include "qg/kernels/ml/targets.hpp"

namespace qg::kernels::ml {
namespace {

void expect_ranges(const std::vector<IndexRange>& got, const std::vector<IndexRange>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].begin, want[i].begin) << i;
    EXPECT_EQ(got[i].end, want[i].end) << i;
  }
}

TEST(MlTargets, SampleRangeAndLabels) {
  // 10 bars, features from bar 3, one-bar labels: samples are bars 3..8 (T - 2 = 8).
  EXPECT_EQ(sample_range(10, 3, 1).first, 3);
  EXPECT_EQ(sample_range(10, 3, 1).count, 6);
  EXPECT_EQ(sample_range(10, 3, 3).count, 4);  // bars 3..6 (6 + 3 = 9 = T - 1)
  EXPECT_EQ(sample_range(4, 3, 1).count, 0);
  const std::vector<double> c = {10, 11, 9.9, 10.89, 10.89, 12};
  std::vector<double> y(3);
  compute_targets(c, {1, 3}, TargetKind::kNextReturn, 1, y);  // r_2, r_3, r_4 = -0.1, 0.1, 0
  EXPECT_NEAR(y[0], -0.1, 1e-12);
  EXPECT_NEAR(y[1], 0.1, 1e-12);
  EXPECT_NEAR(y[2], 0.0, 1e-12);
  compute_targets(c, {1, 3}, TargetKind::kNextUp, 1, y);
  EXPECT_EQ(y, (std::vector<double>{0, 1, 0}));  // 0 is not up
  std::vector<double> y2(2);
  compute_targets(c, {1, 2}, TargetKind::kNextReturn, 2, y2);  // (0.9)(1.1) - 1, (1.1)(1) - 1
  EXPECT_NEAR(y2[0], 0.99 - 1.0, 1e-12);
  EXPECT_NEAR(y2[1], 0.1, 1e-12);
  EXPECT_THROW(compute_targets(c, {1, 3}, TargetKind::kNextReturn, 3, y), KernelError);
}

// scikit-learn's TimeSeriesSplit docstring: 6 samples, 5 splits -> train [0..i], test [i+1].
TEST(MlCv, TimeSeriesDocExample) {
  const auto s = time_series_splits(6, 5, 0, 0, 0);
  ASSERT_EQ(s.size(), 5u);
  for (std::int64_t i = 0; i < 5; ++i) {
    expect_ranges(s[static_cast<std::size_t>(i)].train, {{0, i + 1}});
    expect_ranges(s[static_cast<std::size_t>(i)].test, {{i + 1, i + 2}});
  }
}

// The docstring's gap example: 12 samples, 3 splits, test_size 2, gap 2 ->
// train [0..3] test [6, 7]; train [0..5] test [8, 9]; train [0..7] test [10, 11].
TEST(MlCv, TimeSeriesGapExample) {
  const auto s = time_series_splits(12, 3, 2, 2, 0);
  ASSERT_EQ(s.size(), 3u);
  expect_ranges(s[0].train, {{0, 4}});
  expect_ranges(s[0].test, {{6, 8}});
  expect_ranges(s[2].train, {{0, 8}});
  expect_ranges(s[2].test, {{10, 12}});
  // max_train_size 3: the last three before the gap.
  expect_ranges(time_series_splits(12, 3, 2, 2, 3)[2].train, {{5, 8}});
  // n // (n_splits + 1): 10 samples, 3 splits -> test size 2, tests start at 4, 6, 8.
  const auto d = time_series_splits(10, 3, 0, 0, 0);
  expect_ranges(d[0].test, {{4, 6}});
  expect_ranges(d[2].test, {{8, 10}});
  EXPECT_THROW(time_series_splits(3, 5, 0, 0, 0), KernelError);   // more folds than samples
  EXPECT_THROW(time_series_splits(12, 3, 4, 0, 0), KernelError);  // no training samples left
  EXPECT_THROW(time_series_splits(12, 1, 0, 0, 0), KernelError);
}

// 10 samples in 3 folds: numpy.array_split sizes 4, 3, 3.
TEST(MlCv, PurgedKfoldSizesPurgeAndEmbargo) {
  expect_ranges(array_split(10, 3), {{0, 4}, {4, 7}, {7, 10}});
  const auto s = purged_kfold_splits(10, 3, 1, 2);
  expect_ranges(s[0].train, {{6, 10}});          // test [0, 4): embargo drops 4, 5
  expect_ranges(s[1].train, {{0, 3}, {9, 10}});  // test [4, 7): purge drops 3, embargo 7, 8
  expect_ranges(s[2].train, {{0, 6}});           // test [7, 10): purge drops 6
  expect_ranges(s[1].test, {{4, 7}});
  EXPECT_THROW(purged_kfold_splits(4, 2, 2, 2), KernelError);  // fold [0,2): train would be empty
}

TEST(MlCv, CpcvSplitsAndPaths) {
  const Cpcv cv = cpcv_splits(60, 6, 2, 1, 2);
  ASSERT_EQ(cv.splits.size(), 15u);  // C(6, 2)
  ASSERT_EQ(cv.paths.size(), 5u);    // C(5, 1)
  // Split 0 tests groups 0 and 1 ([0, 20)), merged into one block: purge nothing before,
  // embargo 20, 21.
  expect_ranges(cv.splits[0].test, {{0, 10}, {10, 20}});
  expect_ranges(cv.splits[0].train, {{22, 60}});
  // Split 1 tests groups 0 and 2: train [12, 19) and [32, 60).
  expect_ranges(cv.splits[1].train, {{12, 19}, {32, 60}});
  std::set<std::pair<int, int>> used;  // (split, group)
  for (const auto& path : cv.paths) {
    ASSERT_EQ(path.size(), 6u);
    for (int g = 0; g < 6; ++g) {
      const auto& test = cv.splits[static_cast<std::size_t>(path[static_cast<std::size_t>(g)])].test;
      bool tests_g = false;
      for (const auto& r : test) tests_g |= r.begin == cv.groups[static_cast<std::size_t>(g)].begin;
      EXPECT_TRUE(tests_g);
      EXPECT_TRUE(used.insert({path[static_cast<std::size_t>(g)], g}).second);
    }
  }
  EXPECT_EQ(used.size(), 30u);  // 15 splits x 2 test groups
  EXPECT_THROW(cpcv_splits(60, 6, 6, 0, 0), KernelError);
}

}  // namespace
}  // namespace qg::kernels::ml
