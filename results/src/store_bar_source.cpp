#include "qg/results/store_bar_source.hpp"

#include "qg/core/error.hpp"
#include "qg/results/market_store.hpp"
#include "store_reader.hpp"

namespace qg::results {

StoreBarSource::StoreBarSource(StoreRef ref, std::size_t cache_bytes)
    : ref_(std::move(ref)), cache_bytes_(cache_bytes) {
  verify_store(ref_);
  reader_ = std::make_unique<const StoreReader>(ref_.path);
}

StoreBarSource::~StoreBarSource() = default;

SymbolBars StoreBarSource::load(std::size_t index) const {
  QG_CHECK(index < ref_.symbols.size(), "symbol index " + std::to_string(index) + " out of range");
  std::lock_guard lock(mutex_);
  return reader_->read_rows(ref_.symbols[index]);
}

}  // namespace qg::results
