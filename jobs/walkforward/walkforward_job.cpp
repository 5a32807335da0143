#include "walkforward/walkforward_job.hpp"

#include <algorithm>
#include <cmath>

#include "qg/core/error.hpp"
#include "qg/kernels/backtest.hpp"
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

}  // namespace

WalkforwardJob::WalkforwardJob(WalkforwardSpec spec, std::shared_ptr<const MarketData> data)
    : spec_(std::make_shared<const WalkforwardSpec>(std::move(spec))), data_(std::move(data)) {
  QG_CHECK(data_ != nullptr, "walk-forward job built without market data");
  const SymbolBars& bars = only_symbol(*data_, *spec_);
  check_bar_fields(spec_->search, bars, spec_->header.data_file);
  plan_ = plan_walkforward(*spec_, static_cast<std::int64_t>(bars.size()), bars.symbol);
  trials_ = std::make_unique<const LiveTrials>(
      spec_->search,
      std::make_shared<const kernels::PreparedSeries>(kernels::BarsView{bars.high, bars.low, bars.close},
                                                      spec_->search.strategy->reads_high_low()),
      static_cast<std::int64_t>(bars.size()), spec_->pbo_blocks);
}

const JobKind& WalkforwardJob::kind() const { return walkforward_kind(); }

std::size_t WalkforwardJob::stage0_width() const {
  const auto s = static_cast<std::size_t>(spec_->pbo_blocks);
  const std::size_t objective = spec_->objective == "sharpe" ? 0 : plan_.windows.size();
  return 2 * static_cast<std::size_t>(plan_.blocks) + 2 * s + objective;
}

std::uint64_t WalkforwardJob::num_tasks(std::uint32_t stage, StageInput input) const {
  switch (stage) {
    case 0:
      return set_tasks() + trials_->correlation_pairs();
    case 1:
      // Stage 0 lost tasks: nothing further can be computed.
      return input.empty() ? 0 : segment_tasks() + trials_->split_tasks();
    default:
      QG_CHECK(false, "walk-forward has two stages, asked for stage " + std::to_string(stage));
  }
  return 0;
}

std::size_t WalkforwardJob::max_task_values(std::uint32_t stage, StageInput) const {
  if (stage == 0) return std::max<std::size_t>(std::min(kSetsPerTask, n_sets()) * stage0_width(), 2);
  std::int64_t longest = 0;
  for (const auto& w : plan_.windows) longest = std::max(longest, w.oos_end - w.oos_begin);
  return std::max(static_cast<std::size_t>(std::max<std::int64_t>(3 * longest, 4)),
                  LiveTrials::kSplitPairsPerTask * 2 * 3);
}

void WalkforwardJob::run_task(std::uint32_t stage, StageInput input, std::uint64_t task,
                              std::vector<double>& out) const {
  QG_CHECK(task < num_tasks(stage, input), "walk-forward task " + std::to_string(task) + " out of range");
  if (stage == 0) {
    if (task < set_tasks()) return run_sets(task, out);
    return trials_->run_correlation(task - set_tasks(), out);
  }
  // Stage 1 input: the winner of each window, the best set, the CSCV block sums, their totals.
  const std::size_t k = plan_.windows.size();
  if (task == 0) return trials_->run_moments(static_cast<std::size_t>(input[k]), out);
  if (task < segment_tasks()) return run_segment(input, task - 1, out);
  const std::size_t sums = 2 * static_cast<std::size_t>(spec_->pbo_blocks) * n_sets();
  trials_->run_splits(input.subspan(k + 1, sums), task - segment_tasks(), out, input.subspan(k + 1 + sums));
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
      trials_->positions_into(ids, kernels::decided_bars_for({sharpe ? plan_.j0 + 1 : std::int64_t{1}, plan_.n + 1}));
  const auto g = static_cast<std::size_t>(plan_.blocks), sb = static_cast<std::size_t>(spec_->pbo_blocks);
  std::vector<double> s1g(count * g), s2g(count * g), s1p(count * sb), s2p(count * sb);
  const LiveTrials::BlockTable tables[] = {
      {plan_.block, plan_.live, s1g.data(), s2g.data()},
      {plan_.pbo_block, plan_.pbo_block * spec_->pbo_blocks, s1p.data(), s2p.data()}};
  trials_->live_block_sums(pos, tables);
  std::vector<double> objective;
  if (!sharpe) {
    std::vector<double> metrics(count * kernels::kNumMetrics);
    for (const auto& w : plan_.windows) {
      kernels::backtest_metrics_range(trials_->series(), pos, s.cost_per_unit(), {w.is_begin + 1, w.is_end + 1},
                                      metrics.data());
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
  const std::vector<std::int8_t> pos = trials_->positions_of(winner);
  // The position held just before the segment: the previous window's winner's, flat at first.
  double before = 0.0;
  if (k > 0)
    before = trials_->positions_of(static_cast<std::size_t>(winners[k - 1]))[static_cast<std::size_t>(w.oos_begin - 1)];
  const double cost = spec_->search.cost_per_unit();
  const double* r = trials_->series().returns();
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

std::unique_ptr<Reducer> WalkforwardJob::make_reducer(results::RunFile& out) const {
  return std::make_unique<WalkforwardReducer>(*this, out);
}

}  // namespace qg::jobs
