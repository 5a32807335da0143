#include "sweep/sweep_job.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <exception>

#include "qg/core/error.hpp"
#include "sweep/sweep_kind.hpp"
#include "sweep/sweep_overfitting.hpp"
#include "sweep/sweep_reducer.hpp"

namespace qg::jobs {
namespace {

//! Live columns per block of the stage-1 live sums (a cache-sized buffer of net returns).
constexpr std::int64_t kLiveBlock = 256;

//! The symbol's series, with the high/low range tables only when the rule reads highs and lows.
std::shared_ptr<const kernels::PreparedSeries> prepare(const SymbolBars& bars, const kernels::Strategy& strategy) {
  return std::make_shared<const kernels::PreparedSeries>(kernels::BarsView{bars.high, bars.low, bars.close},
                                                         strategy.reads_high_low());
}

//! Every symbol's series, prepared in parallel: each alone, so the same series whatever the threads
//! (a many-symbol sweep's set-up, on one core while the others wait for the stage otherwise). A
//! failure is the first failing symbol's, in the data's order, however the threads ran.
std::vector<std::shared_ptr<const kernels::PreparedSeries>> prepare_all(const MarketData& data,
                                                                        const kernels::Strategy& strategy) {
  const std::size_t n = data.symbols.size();
  std::vector<std::shared_ptr<const kernels::PreparedSeries>> series(n);
  std::vector<std::exception_ptr> errors(n);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n), [&](const tbb::blocked_range<std::size_t>& range) {
    for (std::size_t i = range.begin(); i < range.end(); ++i) {
      try {
        series[i] = prepare(data.symbols[i], strategy);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  });
  for (const std::exception_ptr& error : errors)
    if (error) std::rethrow_exception(error);
  return series;
}

//! Why a symbol of `live` live bars gets no overfitting statistics; empty when it gets them.
std::string skip_reason(const OverfittingSpec& spec, std::size_t n_sets, std::size_t n_symbols, std::int64_t live,
                        int pbo_blocks) {
  const std::string ask = "; give `overfitting: true` (or a map) in the spec to compute them";
  if (!spec.requested && n_sets > kSweepOverfittingMaxSets)
    return std::to_string(n_sets) + " parameter sets exceed the " + std::to_string(kSweepOverfittingMaxSets) +
           " computed by default (N_eff's correlations grow with their square)" + ask;
  if (!spec.requested && n_sets * n_symbols > kSweepOverfittingMaxPairs)
    return std::to_string(n_sets) + " parameter sets x " + std::to_string(n_symbols) + " symbols exceed the " +
           std::to_string(kSweepOverfittingMaxPairs) + " (set, symbol) pairs computed by default" + ask;
  if (n_sets < 2)
    return "the sweep has " + std::to_string(n_sets) + " parameter set; DSR and PBO need at least 2 trials";
  if (live / pbo_blocks < 2)
    return std::to_string(live) + " live bars are too few for " + std::to_string(pbo_blocks) +
           " PBO blocks of at least 2 bars (overfitting.pbo_blocks)";
  return {};
}

}  // namespace

SweepJob::SweepJob(SweepSpec spec, std::shared_ptr<const MarketData> data)
    : spec_(std::make_shared<const SweepSpec>(std::move(spec))), data_(std::move(data)) {
  QG_CHECK(data_ != nullptr, "sweep job built without market data");
  std::vector<StoreSymbol> shapes;
  for (const auto& bars : data_->symbols)
    shapes.push_back(StoreSymbol{bars.symbol, 0, static_cast<std::int64_t>(bars.size()), bars.real_fields});
  set_symbols(shapes);
  series_ = prepare_all(*data_, *spec_->search.strategy);
  plan_overfitting();
}

SweepJob::SweepJob(SweepSpec spec, std::shared_ptr<const BarSource> source)
    : spec_(std::make_shared<const SweepSpec>(std::move(spec))) {
  QG_CHECK(source != nullptr, "sweep job built without a bar source");
  set_symbols(source->symbols());
  const std::size_t cache_bytes = source->cache_bytes();
  cache_ =
      std::make_shared<const SeriesCache>(std::move(source), cache_bytes, spec_->search.strategy->reads_high_low());
  plan_overfitting();
}

void SweepJob::set_symbols(const std::vector<StoreSymbol>& symbols) {
  QG_CHECK(spec_->search.combos.size() > 0, "sweep spec without parameter sets");
  num_blocks_ = (spec_->search.combos.size() + kBlockSize - 1) / kBlockSize;
  min_bars_ = longest_window(spec_->search) + 2;
  for (const auto& s : symbols)
    symbols_.push_back(s.symbol), bars_.push_back(s.rows), real_fields_.push_back(s.real_fields);
  check_bars();
}

void SweepJob::plan_overfitting() {
  const std::size_t n_symbols = symbols_.size();
  trials_.resize(n_symbols);
  skipped_.resize(n_symbols);
  if (!spec_->overfitting.enabled) return;
  for (std::size_t s = 0; s < n_symbols; ++s) {
    auto trials =
        cache_
            ? std::make_unique<const LiveTrials>(
                  spec_->search, [cache = cache_, s] { return cache->get(s); }, bars_[s], spec_->overfitting.pbo_blocks)
            : std::make_unique<const LiveTrials>(spec_->search, series_[s], bars_[s], spec_->overfitting.pbo_blocks);
    skipped_[s] = skip_reason(spec_->overfitting, trials->n_sets(), n_symbols, trials->live(), trials->pbo_blocks());
    if (!skipped_[s].empty()) continue;
    trials_[s] = std::move(trials);
    overfitting_symbols_.push_back(s);
  }
}

void SweepJob::check_bars() const {
  if (symbols_.empty())
    throw DataError(spec_->header.data_file + ": no symbols selected for sweep '" + spec_->header.name + "'");
  for (std::size_t s = 0; s < symbols_.size(); ++s) {
    SymbolBars fields;  // the symbol's name and fields: what check_bar_fields reads
    fields.symbol = symbols_[s];
    fields.real_fields = real_fields_[s];
    check_bar_fields(spec_->search, fields, spec_->header.data_file);
    if (bars_[s] < min_bars_)
      throw DataError(spec_->header.data_file + ": symbol '" + symbols_[s] + "' has " + std::to_string(bars_[s]) +
                      " bars; " + std::string(spec_->search.strategy->kind()) + " with a window of " +
                      std::to_string(min_bars_ - 2) + " needs at least " + std::to_string(min_bars_));
  }
}

const JobKind& SweepJob::kind() const { return sweep_kind(); }

std::uint64_t SweepJob::num_tasks(std::uint32_t stage, StageInput input) const {
  QG_CHECK(stage < num_stages(),
           "sweep has " + std::to_string(num_stages()) + " stages, asked for stage " + std::to_string(stage));
  if (stage == 0) return symbols_.size() * num_blocks_;
  if (input.empty()) return 0;  // an earlier overfitting stage lost tasks: nothing further is computed
  const std::uint64_t symbols = overfitting_symbols_.size();
  const LiveTrials& any = *trials_[overfitting_symbols_.front()];  // P and the splits depend on N and S only
  if (stage == 1) return symbols * num_blocks_;
  if (stage == 2) return symbols * (any.correlation_pairs() + 1);
  return symbols * any.split_tasks();
}

std::size_t SweepJob::max_task_values(std::uint32_t stage, StageInput) const {
  QG_CHECK(stage < num_stages(),
           "sweep has " + std::to_string(num_stages()) + " stages, asked for stage " + std::to_string(stage));
  const std::size_t block = std::min<std::size_t>(kBlockSize, spec_->search.combos.size());
  if (stage == 0) return block * kRecordWidth;
  if (stage == 1) return block * stage1_width();
  if (stage == 2) return 3;  // a correlation pair: 2; the moments: 3
  return LiveTrials::kSplitPairsPerTask * 2 * 3;
}

void SweepJob::run_task(std::uint32_t stage, StageInput input, std::uint64_t task, std::vector<double>& out) const {
  QG_CHECK(task < num_tasks(stage, input), "sweep task " + std::to_string(task) + " out of range");
  if (stage > 0) return run_trial_task(stage, input, task, out);
  const SweepSpec& s = *spec_;
  const std::size_t symbol = task / num_blocks_;
  const std::size_t first = (task % num_blocks_) * kBlockSize;
  const std::size_t n = std::min(kBlockSize, s.search.combos.size() - first);
  // Per-thread buffers: run_task is called concurrently from the worker's threads.
  thread_local std::vector<std::int8_t> scratch;
  thread_local std::vector<double> metrics;
  metrics.resize(n * kernels::kNumMetrics);
  const auto series = series_of(symbol);
  kernels::evaluate_block(*s.search.strategy, *series, s.search.combos.values.data() + first * s.search.combos.n_params,
                          static_cast<int>(n), s.search.mode, s.search.cost_per_unit(), metrics.data(), scratch);
  out.resize(n * kRecordWidth);
  for (std::size_t j = 0; j < n; ++j) {
    double* rec = out.data() + j * kRecordWidth;
    rec[0] = static_cast<double>(first + j);
    rec[1] = static_cast<double>(symbol);
    std::copy_n(metrics.data() + j * kernels::kNumMetrics, kernels::kNumMetrics, rec + 2);
  }
}

void SweepJob::run_trial_task(std::uint32_t stage, StageInput input, std::uint64_t task,
                              std::vector<double>& out) const {
  if (stage == 1) return run_live_sums(task, out);
  const LiveTrials& any = *trials_[overfitting_symbols_.front()];
  if (stage == 2) {
    const std::uint64_t per_symbol = any.correlation_pairs() + 1, e = task / per_symbol, p = task % per_symbol;
    const LiveTrials& trials = *trials_[overfitting_symbols_[e]];
    if (p < any.correlation_pairs()) return trials.run_correlation(p, out);
    return trials.run_moments(static_cast<std::size_t>(input[e]), out);
  }
  const std::uint64_t e = task / any.split_tasks();
  // Per symbol: the CSCV block sums, then the trials' totals (SweepOverfitting::reduce_moments).
  const std::size_t sums = 2 * static_cast<std::size_t>(any.pbo_blocks()) * any.n_sets(), totals = 2 * any.n_sets();
  QG_CHECK(input.size() == (sums + totals) * overfitting_symbols_.size(), "sweep: CSCV sums of the wrong size");
  const auto symbol = input.subspan(e * (sums + totals), sums + totals);
  trials_[overfitting_symbols_[e]]->run_splits(symbol.first(sums), task % any.split_tasks(), out, symbol.subspan(sums));
}

void SweepJob::run_live_sums(std::uint64_t task, std::vector<double>& out) const {
  const LiveTrials& trials = *trials_[overfitting_symbols_[task / num_blocks_]];
  const std::size_t first = (task % num_blocks_) * kBlockSize;
  const std::size_t count = std::min(kBlockSize, spec_->search.combos.size() - first);
  std::vector<std::size_t> ids(count);
  for (std::size_t i = 0; i < count; ++i) ids[i] = first + i;
  const kernels::PositionRows pos =
      trials.positions_into(ids, kernels::decided_bars_for({trials.j0() + 1, trials.n() + 1}));
  const std::int64_t live = trials.live(), blocks = (live + kLiveBlock - 1) / kLiveBlock;
  const auto g = static_cast<std::size_t>(blocks), sb = static_cast<std::size_t>(trials.pbo_blocks());
  std::vector<double> s1g(count * g), s2g(count * g), s1p(count * sb), s2p(count * sb);
  const LiveTrials::BlockTable tables[] = {
      {kLiveBlock, live, s1g.data(), s2g.data()},
      {trials.pbo_block(), trials.pbo_block() * trials.pbo_blocks(), s1p.data(), s2p.data()}};
  trials.live_block_sums(pos, tables);  // one pass of net returns fills both tables
  out.clear();
  out.reserve(count * stage1_width());
  for (std::size_t j = 0; j < count; ++j) {
    double s1 = 0, s2 = 0;
    for (std::size_t b = 0; b < g; ++b) s1 += s1g[j * g + b], s2 += s2g[j * g + b];
    out.insert(out.end(), {s1, s2});
    out.insert(out.end(), s1p.begin() + static_cast<std::ptrdiff_t>(j * sb),
               s1p.begin() + static_cast<std::ptrdiff_t>((j + 1) * sb));
    out.insert(out.end(), s2p.begin() + static_cast<std::ptrdiff_t>(j * sb),
               s2p.begin() + static_cast<std::ptrdiff_t>((j + 1) * sb));
  }
}

std::unique_ptr<Reducer> SweepJob::make_reducer(results::RunFile& out) const {
  return std::make_unique<SweepReducer>(
      spec_, symbols_, out, spec_->overfitting.enabled ? std::make_unique<SweepOverfitting>(*this, out) : nullptr);
}

}  // namespace qg::jobs
