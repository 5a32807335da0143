#pragma once
// The prepared series of a sweep's symbols whose bars are in memory: each symbol's series is
// prepared by the first task that needs it, once, on the worker's threads, instead of all of
// them in the job's set-up, where the process has one thread busy and the others wait. The
// series are the same as prepared up front; a symbol whose bars PreparedSeries refuses fails
// its tasks (as over a store, SeriesCache) rather than the job.
#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "qg/core/market_data.hpp"
#include "qg/kernels/series.hpp"

namespace qg::jobs {

class MemorySeries {
 public:
  using Series = std::shared_ptr<const kernels::PreparedSeries>;

  //! Prepares nothing yet; `data` must hold the bars of every symbol asked for.
  explicit MemorySeries(std::shared_ptr<const MarketData> data);

  //! The prepared series of symbol `index`, prepared at the first call. Thread-safe: concurrent
  //! first calls for one symbol prepare it once, and the others wait for it.
  Series get(std::size_t index) const;

  //! How many symbols' series have been prepared so far.
  std::size_t prepared() const { return prepared_.load(); }

 private:
  std::shared_ptr<const MarketData> data_;
  std::unique_ptr<std::once_flag[]> once_;
  mutable std::vector<Series> series_;  // series_[i] is written once, inside once_[i]
  mutable std::atomic<std::size_t> prepared_{0};
};

}  // namespace qg::jobs
