// Cross-validation splits (cv_splits.hpp).
#include "qg/kernels/ml/cv_splits.hpp"

#include <algorithm>
#include <string>

#include "qg/core/error.hpp"

namespace qg::kernels::ml {
namespace {

//! [0, n) less the purged / embargoed neighbourhood of each contiguous test block.
std::vector<IndexRange> purged_train(std::int64_t n, const std::vector<IndexRange>& test, std::int64_t purge,
                                     std::int64_t embargo) {
  std::vector<IndexRange> out;
  std::int64_t from = 0;
  for (const auto& t : test) {
    const std::int64_t until = std::max<std::int64_t>(0, t.begin - purge);
    if (until > from) out.push_back({from, until});
    from = std::max(from, std::min(n, t.end + embargo));
  }
  if (from < n) out.push_back({from, n});
  return out;
}

//! Merges adjacent ranges ([a, b) and [b, c) become [a, c)).
std::vector<IndexRange> merged(const std::vector<IndexRange>& ranges) {
  std::vector<IndexRange> out;
  for (const auto& r : ranges) {
    if (!out.empty() && out.back().end == r.begin)
      out.back().end = r.end;
    else
      out.push_back(r);
  }
  return out;
}

void require_train(const CvSplit& split, const char* what) {
  if (range_count(split.train) == 0)
    throw KernelError(std::string(what) +
                      ": a split has no training samples (too few samples for its folds, "
                      "purge and embargo)");
}

//! Every k-subset of 0..n-1, lexicographic.
std::vector<std::vector<int>> combinations(int n, int k) {
  std::vector<std::vector<int>> out;
  std::vector<int> c(static_cast<std::size_t>(k));
  for (int i = 0; i < k; ++i) c[static_cast<std::size_t>(i)] = i;
  while (true) {
    out.push_back(c);
    int i = k - 1;
    while (i >= 0 && c[static_cast<std::size_t>(i)] == n - k + i) --i;
    if (i < 0) return out;
    ++c[static_cast<std::size_t>(i)];
    for (int j = i + 1; j < k; ++j) c[static_cast<std::size_t>(j)] = c[static_cast<std::size_t>(j - 1)] + 1;
  }
}

}  // namespace

std::int64_t range_count(const std::vector<IndexRange>& ranges) {
  std::int64_t n = 0;
  for (const auto& r : ranges) n += r.size();
  return n;
}

std::vector<CvSplit> time_series_splits(std::int64_t n, int n_splits, std::int64_t test_size, std::int64_t gap,
                                        std::int64_t max_train_size) {
  if (n_splits < 2) throw KernelError("time_series: n_splits must be at least 2");
  const std::int64_t folds = n_splits + 1;
  const std::int64_t size = test_size > 0 ? test_size : n / folds;
  if (folds > n)
    throw KernelError("time_series: " + std::to_string(folds) + " folds for " + std::to_string(n) + " samples");
  if (n - gap - size * n_splits <= 0)
    throw KernelError("time_series: " + std::to_string(n_splits) + " test folds of " + std::to_string(size) +
                      " samples and a gap of " + std::to_string(gap) + " leave no training samples among " +
                      std::to_string(n));
  std::vector<CvSplit> out;
  for (std::int64_t start = n - n_splits * size; start < n; start += size) {
    const std::int64_t train_end = start - gap;
    const std::int64_t train_begin = max_train_size > 0 ? std::max<std::int64_t>(0, train_end - max_train_size) : 0;
    out.push_back({{{train_begin, train_end}}, {{start, start + size}}});
  }
  return out;
}

std::vector<IndexRange> array_split(std::int64_t n, int k) {
  std::vector<IndexRange> out;
  const std::int64_t base = n / k, extra = n % k;
  std::int64_t at = 0;
  for (std::int64_t i = 0; i < k; ++i) {
    const std::int64_t len = base + (i < extra ? 1 : 0);
    out.push_back({at, at + len});
    at += len;
  }
  return out;
}

std::vector<CvSplit> purged_kfold_splits(std::int64_t n, int k, std::int64_t purge, std::int64_t embargo) {
  if (k < 2 || k > n) throw KernelError("purged_kfold: needs 2 <= n_splits <= samples (" + std::to_string(n) + ")");
  std::vector<CvSplit> out;
  for (const auto& fold : array_split(n, k)) {
    CvSplit split{purged_train(n, {fold}, purge, embargo), {fold}};
    require_train(split, "purged_kfold");
    out.push_back(std::move(split));
  }
  return out;
}

Cpcv cpcv_splits(std::int64_t n, int n_groups, int k_test, std::int64_t purge, std::int64_t embargo) {
  if (n_groups < 2 || n_groups > n || k_test < 1 || k_test >= n_groups)
    throw KernelError("cpcv: needs 2 <= n_groups <= samples and 1 <= k_test < n_groups");
  Cpcv cv;
  cv.groups = array_split(n, n_groups);
  const auto combos = combinations(n_groups, k_test);
  std::vector<std::vector<int>> by_group(static_cast<std::size_t>(n_groups));
  for (std::size_t s = 0; s < combos.size(); ++s) {
    std::vector<IndexRange> test;
    for (int g : combos[s]) {
      test.push_back(cv.groups[static_cast<std::size_t>(g)]);
      by_group[static_cast<std::size_t>(g)].push_back(static_cast<int>(s));
    }
    CvSplit split{purged_train(n, merged(test), purge, embargo), test};
    require_train(split, "cpcv");
    cv.splits.push_back(std::move(split));
  }
  const std::size_t paths = by_group.front().size();  // C(N-1, k-1), the same for every group
  cv.paths.assign(paths, std::vector<int>(static_cast<std::size_t>(n_groups)));
  for (std::size_t p = 0; p < paths; ++p)
    for (std::size_t g = 0; g < by_group.size(); ++g) cv.paths[p][g] = by_group[g][p];
  return cv;
}

}  // namespace qg::kernels::ml
