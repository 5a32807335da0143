#include "walkforward/walkforward_job.hpp"

#include <algorithm>
#include <cmath>

#include "qg/core/error.hpp"
#include "qg/kernels/backtest.hpp"
#include "qg/kernels/block_sums.hpp"
#include "qg/kernels/net_returns.hpp"
#include "qg/kernels/overfitting.hpp"
#include "walkforward/walkforward_kind.hpp"
#include "walkforward/walkforward_reducer.hpp"

namespace qg::jobs {
namespace {

const SymbolBars& only_symbol(const MarketData& data, const WalkforwardSpec& spec) {
  if (data.symbols.size() != 1)
    throw DataError(spec.header.data_file + ": a walk-forward run takes exactly one symbol; data.symbols selects " +
                    std::to_string(data.symbols.size()));
  return data.symbols.front();
}

//! Correlation block pair p (I <= J, row-major over the upper triangle).
std::pair<std::size_t, std::size_t> block_pair(std::uint64_t p, std::size_t blocks) {
  for (std::size_t i = 0; i < blocks; ++i) {
    const std::size_t row = blocks - i;
    if (p < row) return {i, i + static_cast<std::size_t>(p)};
    p -= row;
  }
  throw InternalError("walkforward: correlation pair out of range");
}

}  // namespace

WalkforwardJob::WalkforwardJob(WalkforwardSpec spec, std::shared_ptr<const MarketData> data)
    : spec_(std::make_shared<const WalkforwardSpec>(std::move(spec))), data_(std::move(data)) {
  QG_CHECK(data_ != nullptr, "walk-forward job built without market data");
  const SymbolBars& bars = only_symbol(*data_, *spec_);
  check_bar_fields(spec_->search, bars, spec_->header.data_file);
  plan_ = plan_walkforward(*spec_, static_cast<std::int64_t>(bars.size()), bars.symbol);
  series_ = std::make_shared<const kernels::PreparedSeries>(kernels::BarsView{bars.high, bars.low, bars.close});
  const std::size_t table_bytes = correlation_sets() * static_cast<std::size_t>(plan_.live) * sizeof(float);
  correlation_cache_ = std::make_shared<CorrelationCache>(correlation_blocks(), table_bytes, kCorrelationCacheBytes);
}

const JobKind& WalkforwardJob::kind() const { return walkforward_kind(); }

std::size_t WalkforwardJob::stage0_width() const {
  const auto s = static_cast<std::size_t>(spec_->pbo_blocks);
  const std::size_t objective = spec_->objective == "sharpe" ? 0 : plan_.windows.size();
  return 2 * static_cast<std::size_t>(plan_.blocks) + 2 * s + objective;
}

std::uint64_t WalkforwardJob::n_splits() const { return kernels::cscv_split_count(spec_->pbo_blocks); }

std::uint64_t WalkforwardJob::num_tasks(std::uint32_t stage, StageInput input) const {
  switch (stage) {
    case 0:
      return (n_sets() + kSetsPerTask - 1) / kSetsPerTask;
    case 1: {
      if (input.empty()) return 0;  // stage 0 lost tasks: nothing further can be computed
      return correlation_pairs() + 1 + plan_.windows.size();
    }
    case 2:
      return input.empty() ? 0 : (n_split_pairs() + kSplitPairsPerTask - 1) / kSplitPairsPerTask;
    default:
      QG_CHECK(false, "walk-forward has three stages, asked for stage " + std::to_string(stage));
  }
  return 0;
}

std::size_t WalkforwardJob::max_task_values(std::uint32_t stage, StageInput) const {
  if (stage == 0) return std::min(kSetsPerTask, n_sets()) * stage0_width();
  if (stage == 1) {
    std::int64_t longest = 0;
    for (const auto& w : plan_.windows) longest = std::max(longest, w.oos_end - w.oos_begin);
    return static_cast<std::size_t>(std::max<std::int64_t>(3 * longest, 4));
  }
  return kSplitPairsPerTask * 2 * 3;
}

void WalkforwardJob::run_task(std::uint32_t stage, StageInput input, std::uint64_t task,
                              std::vector<double>& out) const {
  QG_CHECK(task < num_tasks(stage, input), "walk-forward task " + std::to_string(task) + " out of range");
  if (stage == 0) return run_sets(task, out);
  if (stage == 2) return run_splits(input, task, out);
  // Stage 1: the correlation pairs first (the heavy tasks, so the cheap segments fill the tail).
  const std::uint64_t pairs = correlation_pairs();
  if (task < pairs) return run_correlation(task, out);
  if (task == pairs) return run_moments(input, out);
  run_segment(input, task - pairs - 1, out);
}

std::vector<std::int8_t> WalkforwardJob::positions_of(std::size_t id) const {
  std::vector<std::int8_t> pos(static_cast<std::size_t>(series_->size()));
  spec_->search.strategy->positions(*series_, spec_->search.combos.set(id).data(), 1, spec_->search.mode, pos.data());
  return pos;
}

std::vector<double> WalkforwardJob::live_net_returns(const std::vector<std::size_t>& ids) const {
  std::vector<double> net;
  live_net_returns_into(ids, net);
  return net;
}

void WalkforwardJob::live_net_returns_into(const std::vector<std::size_t>& ids, std::vector<double>& net) const {
  const kernels::BarRange returns{plan_.j0 + 1, plan_.n + 1};
  const kernels::PositionRows pos = positions_into(ids, kernels::decided_bars_for(returns));
  net.resize(static_cast<std::size_t>(plan_.live) * ids.size());
  kernels::net_returns(*series_, pos, spec_->search.cost_per_unit(), returns, net.data());
}

kernels::PositionRows WalkforwardJob::positions_into(const std::vector<std::size_t>& ids,
                                                     kernels::BarRange decided) const {
  const StrategySearch& s = spec_->search;
  const int n = static_cast<int>(ids.size());
  std::vector<double> sets;
  for (std::size_t id : ids) {
    const auto set = s.combos.set(id);
    sets.insert(sets.end(), set.begin(), set.end());
  }
  // Reused between tasks of the thread: every entry is written before it is read, and growing
  // only once spares the page faults and zeroing of megabytes per task.
  thread_local std::vector<std::int8_t> pos;
  pos.resize(static_cast<std::size_t>(decided.size()) * ids.size());
  s.strategy->positions_range(*series_, sets.data(), n, s.mode, decided, pos.data());
  return {pos.data(), n, decided};
}

void WalkforwardJob::live_block_sums(kernels::PositionRows pos, std::int64_t block, std::int64_t columns, double* sum,
                                     double* sumsq) const {
  // Block by block through a buffer that stays in cache: the same net returns (net_returns of
  // the block's return bars) and the same additions (block_sums of one block) as block_sums
  // over the whole live period, without its megabytes of net returns.
  const auto n = static_cast<std::size_t>(pos.n_sets);
  const std::int64_t n_blocks = kernels::block_count(columns, block);
  thread_local std::vector<double> net, s1, s2;
  net.resize(static_cast<std::size_t>(block) * n), s1.resize(n), s2.resize(n);
  for (std::int64_t b = 0; b < n_blocks; ++b) {
    const std::int64_t begin = plan_.j0 + 1 + b * block, rows = std::min(block, columns - b * block);
    kernels::net_returns(*series_, pos, spec_->search.cost_per_unit(), {begin, begin + rows}, net.data());
    kernels::block_sums(net.data(), rows, pos.n_sets, rows, s1.data(), s2.data());
    for (std::size_t j = 0; j < n; ++j) {
      sum[j * static_cast<std::size_t>(n_blocks) + static_cast<std::size_t>(b)] = s1[j];
      sumsq[j * static_cast<std::size_t>(n_blocks) + static_cast<std::size_t>(b)] = s2[j];
    }
  }
}

void WalkforwardJob::run_sets(std::uint64_t task, std::vector<double>& out) const {
  const StrategySearch& s = spec_->search;
  const std::size_t first = task * kSetsPerTask, count = std::min(kSetsPerTask, n_sets() - first);
  std::vector<std::size_t> ids(count);
  for (std::size_t i = 0; i < count; ++i) ids[i] = first + i;
  // One positions pass: over the live period, or from bar 0 when another objective needs the
  // in-sample windows' range metrics (kernels' range convention).
  const bool sharpe = spec_->objective == "sharpe";
  const kernels::PositionRows pos =
      positions_into(ids, kernels::decided_bars_for({sharpe ? plan_.j0 + 1 : std::int64_t{1}, plan_.n + 1}));
  const auto g = static_cast<std::size_t>(plan_.blocks), sb = static_cast<std::size_t>(spec_->pbo_blocks);
  std::vector<double> s1g(count * g), s2g(count * g), s1p(count * sb), s2p(count * sb);
  live_block_sums(pos, plan_.block, plan_.live, s1g.data(), s2g.data());
  live_block_sums(pos, plan_.pbo_block, plan_.pbo_block * spec_->pbo_blocks, s1p.data(), s2p.data());
  std::vector<double> objective;
  if (!sharpe) {
    std::vector<double> metrics(count * kernels::kNumMetrics);
    for (const auto& w : plan_.windows) {
      kernels::backtest_metrics_range(*series_, pos, s.cost_per_unit(), {w.is_begin + 1, w.is_end + 1}, metrics.data());
      for (std::size_t j = 0; j < count; ++j)
        objective.push_back(metrics[j * kernels::kNumMetrics + static_cast<std::size_t>(spec_->objective_metric)]);
    }
  }
  const std::size_t k = plan_.windows.size();
  out.clear();
  out.reserve(count * stage0_width());
  for (std::size_t j = 0; j < count; ++j) {
    out.insert(out.end(), s1g.begin() + j * g, s1g.begin() + (j + 1) * g);
    out.insert(out.end(), s2g.begin() + j * g, s2g.begin() + (j + 1) * g);
    out.insert(out.end(), s1p.begin() + j * sb, s1p.begin() + (j + 1) * sb);
    out.insert(out.end(), s2p.begin() + j * sb, s2p.begin() + (j + 1) * sb);
    if (!objective.empty())
      for (std::size_t w = 0; w < k; ++w) out.push_back(objective[w * count + j]);
  }
}

void WalkforwardJob::run_segment(StageInput winners, std::uint64_t k, std::vector<double>& out) const {
  const auto& w = plan_.windows[k];
  const auto winner = static_cast<std::size_t>(winners[k]);
  const std::vector<std::int8_t> pos = positions_of(winner);
  // The position held just before the segment: the previous window's winner's, flat at first.
  double before = 0.0;
  if (k > 0) before = positions_of(static_cast<std::size_t>(winners[k - 1]))[static_cast<std::size_t>(w.oos_begin - 1)];
  const double cost = spec_->search.cost_per_unit();
  const double* r = series_->returns();
  out.clear();
  for (std::int64_t j = w.oos_begin; j < w.oos_end; ++j) {
    const double h = pos[static_cast<std::size_t>(j)];
    const double own_before = j > 0 ? pos[static_cast<std::size_t>(j - 1)] : 0.0;
    const double prev = j == w.oos_begin ? before : own_before;
    out.push_back(h);
    out.push_back(h * r[j + 1] - cost * std::fabs(h - prev));
    out.push_back(h * r[j + 1] - cost * std::fabs(h - own_before));
  }
}

void WalkforwardJob::run_moments(StageInput input, std::vector<double>& out) const {
  const auto best = static_cast<std::size_t>(input[plan_.windows.size()]);
  const auto m = kernels::return_moments(live_net_returns({best}));
  out.assign({m.sharpe, m.skewness, m.kurtosis});
}

CorrelationCache::Block WalkforwardJob::correlation_block(std::size_t b) const {
  std::vector<std::size_t> ids;
  for (std::size_t i = b * kCorrelationBlock; i < std::min((b + 1) * kCorrelationBlock, correlation_sets()); ++i)
    ids.push_back(i * kCorrelationStride);
  thread_local std::vector<double> net;  // time-major
  live_net_returns_into(ids, net);
  const auto t = static_cast<std::size_t>(plan_.live), m = ids.size();
  std::vector<double> columns(t * m);
  for (std::size_t row = 0; row < t; ++row)
    for (std::size_t c = 0; c < m; ++c) columns[c * t + row] = net[row * m + c];
  CorrelationCache::Block out;
  out.sets = m;
  out.varying = kernels::standardize_columns(columns, m, plan_.live);
  out.columns.assign(columns.begin(), columns.end());  // rounded to float, as the product takes them
  return out;
}

void WalkforwardJob::run_correlation(std::uint64_t pair, std::vector<double>& out) const {
  const auto [bi, bj] = block_pair(pair, correlation_blocks());
  const auto compute = [this](std::size_t b) { return correlation_block(b); };
  const auto a = correlation_cache_->get(bi, compute);
  if (bi == bj) {
    out.assign(
        {kernels::correlation_square_sum(std::span<const float>(a->columns), a->sets, a->columns, a->sets, plan_.live),
         static_cast<double>(a->varying)});
    return;
  }
  const auto b = correlation_cache_->get(bj, compute);
  out.assign({2.0 * kernels::correlation_square_sum(std::span<const float>(a->columns), a->sets, b->columns, b->sets,
                                                    plan_.live),
              0.0});
}

void WalkforwardJob::run_splits(StageInput sums, std::uint64_t task, std::vector<double>& out) const {
  const std::size_t n = n_sets(), half = sums.size() / 2;
  QG_CHECK(half == n * static_cast<std::size_t>(spec_->pbo_blocks), "walkforward: CSCV sums of the wrong size");
  const std::uint64_t first = task * kSplitPairsPerTask;
  const auto count = static_cast<std::size_t>(std::min<std::uint64_t>(kSplitPairsPerTask, n_split_pairs() - first));
  std::vector<kernels::PboSplit> splits(2 * count);
  thread_local std::vector<double> scratch;  // run_task runs on the worker's threads concurrently
  kernels::pbo_split_pairs(sums.first(half), sums.subspan(half), n, spec_->pbo_blocks, plan_.pbo_block, first, count,
                           splits.data(), scratch);
  out.clear();
  for (const auto& s : splits) out.insert(out.end(), {s.lambda, s.is_sharpe, s.oos_sharpe});
}

std::unique_ptr<Reducer> WalkforwardJob::make_reducer(results::RunFile& out) const {
  return std::make_unique<WalkforwardReducer>(*this, out);
}

}  // namespace qg::jobs
