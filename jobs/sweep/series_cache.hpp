#pragma once
// The prepared series of a sweep's symbols when the bars stay in the store: each symbol is
// read (BarSource::load) and prepared when a task first needs it, and kept while the cache's
// bytes allow, least recently used out first. A task holds its series by shared pointer, so
// an evicted series lives on until the tasks using it end: a worker holds at most the cache's
// bytes plus one series per thread.
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "qg/core/bar_source.hpp"
#include "qg/kernels/series.hpp"

namespace qg::jobs {

class SeriesCache {
 public:
  using Series = std::shared_ptr<const kernels::PreparedSeries>;

  //! Reads from `source`; keeps at most `max_bytes` of prepared series (at least the last one),
  //! each with its high/low range tables when `range_tables` (PreparedSeries).
  SeriesCache(std::shared_ptr<const BarSource> source, std::size_t max_bytes, bool range_tables = true);

  //! The prepared series of symbol `index`, loading it when it is not held. Thread-safe.
  Series get(std::size_t index) const;

  //! Bytes of the series held now, and how many loads the cache has done.
  std::size_t bytes() const;
  std::uint64_t loads() const;

  //! Bytes of a prepared series of `bars` bars (its arrays, and its sparse tables when `range_tables`).
  static std::size_t prepared_bytes(std::int64_t bars, bool range_tables = true);

 private:
  struct Entry {
    Series series;
    std::list<std::size_t>::iterator age;  // position in lru_
    std::size_t bytes = 0;
  };
  void evict_to_fit() const;

  std::shared_ptr<const BarSource> source_;
  std::size_t max_bytes_;
  bool range_tables_;
  mutable std::mutex mutex_;
  mutable std::list<std::size_t> lru_;  // most recently used first
  mutable std::unordered_map<std::size_t, Entry> held_;
  mutable std::size_t bytes_ = 0;
  mutable std::uint64_t loads_ = 0;
};

}  // namespace qg::jobs
