#include "sweep/series_cache.hpp"

#include <algorithm>

#include "qg/core/error.hpp"

namespace qg::jobs {

SeriesCache::SeriesCache(std::shared_ptr<const BarSource> source, std::size_t max_bytes, bool range_tables)
    : source_(std::move(source)), max_bytes_(max_bytes), range_tables_(range_tables) {
  QG_CHECK(source_ != nullptr, "series cache without a bar source");
}

std::size_t SeriesCache::prepared_bytes(std::int64_t bars, bool range_tables) {
  const auto n = static_cast<std::size_t>(std::max<std::int64_t>(bars, 0));
  std::size_t doubles = 6 * n + 2;  // high, low, close, returns and the two prefix sums
  if (range_tables)
    for (std::size_t width = 1; width <= n; width *= 2) doubles += 2 * (n - width + 1);  // the two sparse tables
  return doubles * sizeof(double);
}

SeriesCache::Series SeriesCache::get(std::size_t index) const {
  // One lock over the load too: the serial HDF5 library reads one request at a time anyway,
  // and the threads of a chunk mostly wait for the same symbol (tasks are symbol-major).
  std::lock_guard lock(mutex_);
  if (const auto it = held_.find(index); it != held_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second.age);
    return it->second.series;
  }
  const SymbolBars bars = source_->load(index);
  auto series = std::make_shared<const kernels::PreparedSeries>(kernels::BarsView{bars.high, bars.low, bars.close},
                                                                range_tables_);
  ++loads_;
  lru_.push_front(index);
  const std::size_t bytes = prepared_bytes(series->size(), range_tables_);
  held_.emplace(index, Entry{series, lru_.begin(), bytes});
  bytes_ += bytes;
  evict_to_fit();
  return series;
}

void SeriesCache::evict_to_fit() const {
  while (bytes_ > max_bytes_ && held_.size() > 1) {
    const auto it = held_.find(lru_.back());
    bytes_ -= it->second.bytes;
    held_.erase(it);
    lru_.pop_back();
  }
}

std::size_t SeriesCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

std::uint64_t SeriesCache::loads() const {
  std::lock_guard lock(mutex_);
  return loads_;
}

}  // namespace qg::jobs
