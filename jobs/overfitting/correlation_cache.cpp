#include "overfitting/correlation_cache.hpp"

#include "qg/core/error.hpp"

namespace qg::jobs {

CorrelationCache::CorrelationCache(std::size_t n_blocks, std::size_t table_bytes, std::size_t max_bytes)
    : keep_(table_bytes <= max_bytes), once_(keep_ ? n_blocks : 0), blocks_(keep_ ? n_blocks : 0) {}

std::shared_ptr<const CorrelationCache::Block> CorrelationCache::get(std::size_t b, const Compute& compute) {
  if (!keep_) return std::make_shared<const Block>(compute(b));
  QG_CHECK(b < blocks_.size(), "correlation block " + std::to_string(b) + " out of range");
  // call_once publishes the block to every thread that waits on or later passes the flag.
  std::call_once(once_[b], [&] { blocks_[b] = std::make_shared<const Block>(compute(b)); });
  return blocks_[b];
}

}  // namespace qg::jobs
