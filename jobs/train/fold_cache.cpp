#include "train/fold_cache.hpp"

#include <string>

#include "qg/core/error.hpp"

namespace qg::jobs {

FoldCache::FoldCache(std::size_t n_splits)
    : n_splits_(n_splits),
      once_(std::make_unique<std::once_flag[]>(n_splits)),
      entries_(std::make_unique<std::optional<FoldFit>[]>(n_splits)),
      fits_(std::make_unique<Fits[]>(n_splits)) {}

const FoldFit& FoldCache::get(std::size_t k, const std::function<FoldFit()>& make) {
  QG_CHECK(k < n_splits_, "fold cache: split " + std::to_string(k) + " out of range");
  std::call_once(once_[k], [&] { entries_[k].emplace(make()); });
  return *entries_[k];
}

kernels::ml::LinearFit FoldCache::fit(std::size_t k, std::size_t set,
                                      const std::function<kernels::ml::LinearFit()>& make) {
  QG_CHECK(k < n_splits_, "fold cache: split " + std::to_string(k) + " out of range");
  Fits& fits = fits_[k];
  {
    const std::lock_guard lock(fits.mutex);
    if (const auto it = fits.by_set.find(set); it != fits.by_set.end()) return it->second;
  }
  kernels::ml::LinearFit made = make();  // outside the lock: other sets of the split go on
  const std::lock_guard lock(fits.mutex);
  return fits.by_set.emplace(set, std::move(made)).first->second;
}

}  // namespace qg::jobs
