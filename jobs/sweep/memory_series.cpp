#include "sweep/memory_series.hpp"

#include "qg/core/error.hpp"

namespace qg::jobs {

MemorySeries::MemorySeries(std::shared_ptr<const MarketData> data)
    : data_(std::move(data)),
      once_(std::make_unique<std::once_flag[]>(data_ ? data_->symbols.size() : 0)),
      series_(data_ ? data_->symbols.size() : 0) {
  QG_CHECK(data_ != nullptr, "prepared series without market data");
}

MemorySeries::Series MemorySeries::get(std::size_t index) const {
  QG_CHECK(index < series_.size(), "symbol index " + std::to_string(index) + " out of range");
  std::call_once(once_[index], [&] {
    const SymbolBars& bars = data_->symbols[index];
    series_[index] =
        std::make_shared<const kernels::PreparedSeries>(kernels::BarsView{bars.high, bars.low, bars.close});
    ++prepared_;
  });
  return series_[index];
}

}  // namespace qg::jobs
