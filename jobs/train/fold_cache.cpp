#include "train/fold_cache.hpp"

#include <string>

#include "qg/core/error.hpp"

namespace qg::jobs {

FoldCache::FoldCache(std::size_t n_splits)
    : n_splits_(n_splits),
      once_(std::make_unique<std::once_flag[]>(n_splits)),
      entries_(std::make_unique<std::optional<FoldFit>[]>(n_splits)) {}

const FoldFit& FoldCache::get(std::size_t k, const std::function<FoldFit()>& make) {
  QG_CHECK(k < n_splits_, "fold cache: split " + std::to_string(k) + " out of range");
  std::call_once(once_[k], [&] { entries_[k].emplace(make()); });
  return *entries_[k];
}

}  // namespace qg::jobs
