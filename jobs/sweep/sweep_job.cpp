#include "sweep/sweep_job.hpp"

#include <algorithm>

#include "qg/core/error.hpp"
#include "sweep/sweep_kind.hpp"
#include "sweep/sweep_reducer.hpp"

namespace qg::jobs {
namespace {

kernels::PreparedSeries prepare(const SymbolBars& bars) {
  return kernels::PreparedSeries(kernels::BarsView{bars.high, bars.low, bars.close});
}

}  // namespace

SweepJob::SweepJob(SweepSpec spec, std::shared_ptr<const MarketData> data)
    : spec_(std::make_shared<const SweepSpec>(std::move(spec))), data_(std::move(data)) {
  QG_CHECK(data_ != nullptr, "sweep job built without market data");
  QG_CHECK(spec_->search.combos.size() > 0, "sweep spec without parameter sets");
  num_blocks_ = (spec_->search.combos.size() + kBlockSize - 1) / kBlockSize;
  min_bars_ = longest_window(spec_->search) + 2;
  check_bars();
  series_.reserve(data_->symbols.size());
  for (const auto& bars : data_->symbols) series_.push_back(prepare(bars));
}

void SweepJob::check_bars() const {
  if (data_->symbols.empty())
    throw DataError(spec_->header.data_file + ": no symbols selected for sweep '" + spec_->header.name + "'");
  for (const auto& bars : data_->symbols) {
    check_bar_fields(spec_->search, bars, spec_->header.data_file);
    if (static_cast<std::int64_t>(bars.size()) < min_bars_)
      throw DataError(spec_->header.data_file + ": symbol '" + bars.symbol + "' has " + std::to_string(bars.size()) +
                      " bars; " + std::string(spec_->search.strategy->kind()) + " with a window of " +
                      std::to_string(min_bars_ - 2) + " needs at least " + std::to_string(min_bars_));
  }
}

const JobKind& SweepJob::kind() const { return sweep_kind(); }

std::uint64_t SweepJob::num_tasks(std::uint32_t stage, StageInput) const {
  QG_CHECK(stage == 0, "sweep has one stage, asked for stage " + std::to_string(stage));
  return series_.size() * num_blocks_;
}

std::size_t SweepJob::max_task_values(std::uint32_t stage, StageInput) const {
  QG_CHECK(stage == 0, "sweep has one stage, asked for stage " + std::to_string(stage));
  return std::min<std::size_t>(kBlockSize, spec_->search.combos.size()) * kRecordWidth;
}

void SweepJob::run_task(std::uint32_t stage, StageInput input, std::uint64_t task, std::vector<double>& out) const {
  QG_CHECK(stage == 0 && task < num_tasks(0, input), "sweep task " + std::to_string(task) + " out of range");
  const SweepSpec& s = *spec_;
  const std::size_t symbol = task / num_blocks_;
  const std::size_t first = (task % num_blocks_) * kBlockSize;
  const std::size_t n = std::min(kBlockSize, s.search.combos.size() - first);
  // Per-thread buffers: run_task is called concurrently from the worker's threads.
  thread_local std::vector<std::int8_t> scratch;
  thread_local std::vector<double> metrics;
  metrics.resize(n * kernels::kNumMetrics);
  kernels::evaluate_block(*s.search.strategy, series_[symbol],
                          s.search.combos.values.data() + first * s.search.combos.n_params, static_cast<int>(n),
                          s.search.mode, s.search.cost_per_unit(), metrics.data(), scratch);
  out.resize(n * kRecordWidth);
  for (std::size_t j = 0; j < n; ++j) {
    double* rec = out.data() + j * kRecordWidth;
    rec[0] = static_cast<double>(first + j);
    rec[1] = static_cast<double>(symbol);
    std::copy_n(metrics.data() + j * kernels::kNumMetrics, kernels::kNumMetrics, rec + 2);
  }
}

std::unique_ptr<Reducer> SweepJob::make_reducer(results::RunFile& out) const {
  std::vector<std::string> symbols;
  for (const auto& bars : data_->symbols) symbols.push_back(bars.symbol);
  return std::make_unique<SweepReducer>(spec_, symbols, out);
}

}  // namespace qg::jobs
