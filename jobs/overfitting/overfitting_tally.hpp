#pragma once
// What a reducer gathers of one series' overfitting stages (live Sharpe of every set, the best
// set's moments, the N_eff correlation sums, the CSCV splits) and writes as the attributes of
// an /overfitting group (docs/walkforward.md, docs/hdf5-schema.md).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "qg/kernels/overfitting.hpp"

namespace qg::results {
class RunFile;
}

namespace qg::jobs {

class OverfittingTally {
 public:
  //! Every set's per-bar Sharpe over the `live_bars` live bars; picks the best (kernels::best_index).
  void set_live_sharpe(std::vector<double> live_sharpe, std::int64_t live_bars);
  std::size_t best() const { return best_; }
  //! Records of a correlation pair task and of the moments task (LiveTrials).
  void add_correlation(std::span<const double> records);
  void set_moments(std::span<const double> records);
  //! Records of split task `task` of `n_splits` splits (LiveTrials::run_splits).
  void add_splits(std::uint64_t task, std::uint64_t n_splits, std::span<const double> records);

  //! n_trials, best_combo, best_sharpe, skewness, kurtosis, sr0, psr, dsr, n_eff, dsr_n_eff.
  void write_deflated_sharpe(results::RunFile& out, const std::string& group) const;
  //! pbo, splits, pbo_blocks, degradation_slope, prob_oos_loss.
  void write_pbo(results::RunFile& out, const std::string& group, int pbo_blocks) const;

 private:
  std::vector<double> live_sharpe_;
  std::int64_t live_bars_ = 0;
  std::size_t best_ = 0;
  std::vector<double> moments_;  // sharpe, skewness, kurtosis of the best set
  double correlation_sum_ = 0, correlation_live_ = 0;
  std::vector<kernels::PboSplit> splits_;
};

}  // namespace qg::jobs
