#include "overfitting/overfitting_tally.hpp"

#include <algorithm>

#include "overfitting/live_trials.hpp"
#include "qg/core/error.hpp"
#include "qg/results/run_file.hpp"

namespace qg::jobs {
namespace {

double variance(const std::vector<double>& v) {
  if (v.size() < 2) return 0.0;
  double s = 0;
  for (double x : v) s += x;
  const double m = s / static_cast<double>(v.size());
  double ss = 0;
  for (double x : v) ss += (x - m) * (x - m);
  return ss / static_cast<double>(v.size() - 1);
}

}  // namespace

void OverfittingTally::set_live_sharpe(std::vector<double> live_sharpe, std::int64_t live_bars) {
  live_sharpe_ = std::move(live_sharpe);
  live_bars_ = live_bars;
  best_ = static_cast<std::size_t>(kernels::best_index(live_sharpe_));
}

void OverfittingTally::add_correlation(std::span<const double> records) {
  QG_CHECK(records.size() == 2,
           "overfitting: a correlation task returned " + std::to_string(records.size()) + " values");
  correlation_sum_ += records[0], correlation_live_ += records[1];
}

void OverfittingTally::set_moments(std::span<const double> records) { moments_.assign(records.begin(), records.end()); }

void OverfittingTally::add_splits(std::uint64_t task, std::uint64_t n_splits, std::span<const double> records) {
  // Task t holds the split pairs (p, C - 1 - p) for p from t * kSplitPairsPerTask on.
  const std::uint64_t c = n_splits;
  if (splits_.size() != c) splits_.resize(c);
  std::uint64_t p = task * LiveTrials::kSplitPairsPerTask;
  for (std::size_t i = 0; i + 5 < records.size(); i += 6, ++p) {
    QG_CHECK(p < c / 2, "overfitting: split task " + std::to_string(task) + " returned too many records");
    splits_[p] = {records[i], records[i + 1], records[i + 2]};
    splits_[c - 1 - p] = {records[i + 3], records[i + 4], records[i + 5]};
  }
}

void OverfittingTally::write_deflated_sharpe(results::RunFile& out, const std::string& group) const {
  const double trials = static_cast<double>(live_sharpe_.size()), t = static_cast<double>(live_bars_);
  const double v = variance(live_sharpe_);
  const double sr = live_sharpe_.at(best_), g3 = moments_.at(1), g4 = moments_.at(2);
  const double sr0 = kernels::expected_max_sharpe(v, trials);
  const double tr_c = correlation_live_, tr_c2 = correlation_sum_;
  const double n_eff = std::max(2.0, tr_c2 > 0 ? tr_c * tr_c / tr_c2 : 2.0);
  out.set_attribute(group, "n_trials", static_cast<std::int64_t>(live_sharpe_.size()));
  out.set_attribute(group, "best_combo", static_cast<std::int64_t>(best_));
  out.set_attribute(group, "best_sharpe", sr);
  out.set_attribute(group, "skewness", g3);
  out.set_attribute(group, "kurtosis", g4);
  out.set_attribute(group, "sr0", sr0);
  out.set_attribute(group, "psr", kernels::probabilistic_sharpe(sr, 0.0, t, g3, g4));
  out.set_attribute(group, "dsr", kernels::probabilistic_sharpe(sr, sr0, t, g3, g4));
  out.set_attribute(group, "n_eff", n_eff);
  out.set_attribute(group, "dsr_n_eff",
                    kernels::probabilistic_sharpe(sr, kernels::expected_max_sharpe(v, n_eff), t, g3, g4));
}

void OverfittingTally::write_pbo(results::RunFile& out, const std::string& group, int pbo_blocks) const {
  const auto summary = kernels::summarize_pbo(splits_);
  out.set_attribute(group, "pbo", summary.pbo);
  out.set_attribute(group, "splits", static_cast<std::int64_t>(summary.splits));
  out.set_attribute(group, "pbo_blocks", static_cast<std::int64_t>(pbo_blocks));
  out.set_attribute(group, "degradation_slope", summary.degradation_slope);
  out.set_attribute(group, "prob_oos_loss", summary.prob_oos_loss);
}

}  // namespace qg::jobs
