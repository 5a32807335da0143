#pragma once
// The bars of a job read from the market store on request, one symbol at a time (one contiguous
// hyperslab per field), instead of travelling with the job: what lets a worker hold only the
// symbols its tasks need (docs/operations.md, "Market data larger than memory").
#include <cstddef>
#include <memory>
#include <mutex>

#include "qg/core/bar_source.hpp"
#include "qg/core/store_ref.hpp"

namespace qg::results {

class StoreReader;

class StoreBarSource final : public BarSource {
 public:
  //! Verifies the store (verify_store) and opens it read-only; `cache_bytes` is what a job may
  //! keep of it at once. IoError / DataError when it cannot be used.
  StoreBarSource(StoreRef ref, std::size_t cache_bytes);
  ~StoreBarSource() override;

  const std::vector<StoreSymbol>& symbols() const override { return ref_.symbols; }
  //! Reads and checks one symbol; calls are serialised here. In a one-process run the
  //! coordinator thread writes the run file meanwhile: that relies on HDF5's thread-safe build
  //! (Debian's libhdf5 has H5_HAVE_THREADSAFE, a global lock; shared/notes/platform.md P15).
  SymbolBars load(std::size_t index) const override;
  std::size_t cache_bytes() const override { return cache_bytes_; }

 private:
  StoreRef ref_;
  std::size_t cache_bytes_;
  std::unique_ptr<const StoreReader> reader_;
  mutable std::mutex mutex_;
};

}  // namespace qg::results
