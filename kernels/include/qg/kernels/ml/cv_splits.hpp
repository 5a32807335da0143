#pragma once
// Cross-validation splits of n time-ordered samples (docs/train.md):
//   time_series   scikit-learn's TimeSeriesSplit: test folds of test_size (default
//                 n / (n_splits + 1)) ending at n; train = every sample before the test fold
//                 less `gap`, the last max_train_size of them when that is > 0;
//   purged_kfold  k contiguous test folds sized as numpy.array_split (the first n mod k one
//                 longer); for test [a, b) train on {i < a - purge} and {i >= b + embargo};
//   cpcv          combinatorial purged CV (Lopez de Prado 2018, ch. 12): N groups (array_split),
//                 every choice of k test groups in lexicographic order, each contiguous run of
//                 test groups purged before and embargoed after; phi = C(N-1, k-1) backtest paths.
#include <cstdint>
#include <vector>

namespace qg::kernels::ml {

//! Samples [begin, end).
struct IndexRange {
  std::int64_t begin = 0;
  std::int64_t end = 0;
  std::int64_t size() const { return end - begin; }
};

//! One split: ascending, disjoint, non-empty ranges.
struct CvSplit {
  std::vector<IndexRange> train;
  std::vector<IndexRange> test;
};

//! Samples in a list of ranges.
std::int64_t range_count(const std::vector<IndexRange>& ranges);

//! TimeSeriesSplit. test_size 0: n / (n_splits + 1); max_train_size 0: no limit. KernelError
//! when n_splits < 2 or the folds do not fit (as scikit-learn refuses them).
std::vector<CvSplit> time_series_splits(std::int64_t n, int n_splits, std::int64_t test_size, std::int64_t gap,
                                        std::int64_t max_train_size);

//! The k contiguous folds of numpy.array_split(range(n), k).
std::vector<IndexRange> array_split(std::int64_t n, int k);

//! Purged k-fold. KernelError when k < 2, k > n or a fold's training set is empty.
std::vector<CvSplit> purged_kfold_splits(std::int64_t n, int k, std::int64_t purge, std::int64_t embargo);

//! CPCV splits and paths. paths[p][g] is the split whose test predictions of group g belong to
//! backtest path p: the p-th split (in split order) that tests group g.
struct Cpcv {
  std::vector<IndexRange> groups;
  std::vector<CvSplit> splits;
  std::vector<std::vector<int>> paths;
};

//! KernelError unless 2 <= n_groups <= n and 1 <= k_test < n_groups, or when a training set is empty.
Cpcv cpcv_splits(std::int64_t n, int n_groups, int k_test, std::int64_t purge, std::int64_t embargo);

}  // namespace qg::kernels::ml
