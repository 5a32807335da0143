#include "sweep/sweep_overfitting.hpp"

#include "overfitting/live_trials.hpp"
#include "qg/core/error.hpp"
#include "qg/kernels/overfitting.hpp"
#include "qg/results/run_file.hpp"
#include "sweep/sweep_job.hpp"

namespace qg::jobs {

SweepOverfitting::SweepOverfitting(const SweepJob& job, results::RunFile& out)
    : job_(job), out_(out), tallies_(job.overfitting_symbols().size()) {}

std::string SweepOverfitting::group(std::size_t n_symbols, const std::string& symbol) {
  return n_symbols == 1 ? std::string("/overfitting") : "/overfitting/" + symbol;
}

std::string SweepOverfitting::group_of(std::size_t e) const {
  return group(job_.symbol_names().size(), job_.symbol_names()[job_.overfitting_symbols()[e]]);
}

std::vector<double> SweepOverfitting::begin() {
  const auto& names = job_.symbol_names();
  const auto n_trials = static_cast<std::int64_t>(job_.spec().search.combos.size());
  for (std::size_t s = 0; s < names.size(); ++s) {
    const std::string g = group(names.size(), names[s]);
    out_.set_attribute(g, "symbol", names[s]);
    out_.set_attribute(g, "n_trials", n_trials);
    if (const std::string& why = job_.overfitting_skipped(s); !why.empty()) {
      out_.set_attribute(g, "skipped", why);
      continue;
    }
    out_.set_attribute(g, "live_start", job_.trials(s)->j0());
    out_.set_attribute(g, "live_bars", job_.trials(s)->live());
  }
  if (job_.overfitting_symbols().empty()) return {};
  sets_.reserve(job_.overfitting_symbols().size() * job_.spec().search.combos.size() * job_.stage1_width());
  return {static_cast<double>(job_.overfitting_symbols().size())};
}

void SweepOverfitting::consume(std::uint32_t stage, std::uint64_t task, std::span<const double> records) {
  if (stage == 1) {
    QG_CHECK(records.size() % job_.stage1_width() == 0,
             "sweep overfitting task " + std::to_string(task) + " returned a partial record");
    sets_.insert(sets_.end(), records.begin(), records.end());
    return;
  }
  const LiveTrials& any = *job_.trials(job_.overfitting_symbols().front());
  if (stage == 2) {
    const std::uint64_t per_symbol = any.correlation_pairs() + 1, p = task % per_symbol;
    OverfittingTally& tally = tallies_.at(task / per_symbol);
    if (p < any.correlation_pairs())
      tally.add_correlation(records);
    else
      tally.set_moments(records);
    return;
  }
  tallies_.at(task / any.split_tasks()).add_splits(task % any.split_tasks(), any.n_splits(), records);
}

std::vector<double> SweepOverfitting::end_stage(std::uint32_t stage) {
  if (dead_) return {};
  if (failed_[stage] > 0) {
    mark_incomplete(stage);
    return {};
  }
  if (stage == 1) return reduce_live_sums();
  if (stage == 2) return reduce_moments();
  for (std::size_t e = 0; e < tallies_.size(); ++e)
    tallies_[e].write_pbo(out_, group_of(e), job_.spec().overfitting.pbo_blocks);
  return {};
}

void SweepOverfitting::mark_incomplete(std::uint32_t stage) {
  dead_ = true;
  sets_ = {};
  const std::string why = std::to_string(failed_[stage]) + " task(s) of sweep stage " + std::to_string(stage) +
                          " failed (see /errors); the statistics of this stage and later ones are missing";
  for (std::size_t e = 0; e < tallies_.size(); ++e) out_.set_attribute(group_of(e), "incomplete", why);
}

std::vector<double> SweepOverfitting::reduce_live_sums() {
  const std::size_t n = job_.spec().search.combos.size(), width = job_.stage1_width();
  QG_CHECK(sets_.size() == tallies_.size() * n * width, "sweep overfitting: stage 1 records missing");
  std::vector<double> best;
  for (std::size_t e = 0; e < tallies_.size(); ++e) {
    const LiveTrials& trials = *job_.trials(job_.overfitting_symbols()[e]);
    std::vector<double> live_sharpe(n);
    for (std::size_t i = 0; i < n; ++i) {
      const double* r = sets_.data() + (e * n + i) * width;
      live_sharpe[i] = kernels::sharpe_from_sums(r[0], r[1], static_cast<double>(trials.live()));
    }
    tallies_[e].set_live_sharpe(std::move(live_sharpe), trials.live());
    best.push_back(static_cast<double>(tallies_[e].best()));
  }
  return best;
}

std::vector<double> SweepOverfitting::reduce_moments() {
  const std::size_t n = job_.spec().search.combos.size(), width = job_.stage1_width();
  const auto s = static_cast<std::size_t>(job_.spec().overfitting.pbo_blocks);
  // Per symbol: its CSCV block sums, then every trial's totals over the blocks (added once here
  // instead of once in every split task, as the walk-forward reducer does).
  std::vector<double> sums;
  sums.reserve(tallies_.size() * 2 * (s + 1) * n);
  for (std::size_t e = 0; e < tallies_.size(); ++e) {
    tallies_[e].write_deflated_sharpe(out_, group_of(e));
    const auto block =
        cscv_block_major(std::span<const double>(sets_).subspan(e * n * width, n * width), width, 2, n, s);
    const LiveTrials& trials = *job_.trials(job_.overfitting_symbols()[e]);
    const auto half = std::span<const double>(block).first(s * n);
    const auto totals = kernels::pbo_totals(half, std::span<const double>(block).subspan(s * n), n, trials.pbo_blocks(),
                                            trials.pbo_block());
    sums.insert(sums.end(), block.begin(), block.end());
    sums.insert(sums.end(), totals.begin(), totals.end());
  }
  sets_ = {};
  return sums;
}

}  // namespace qg::jobs
