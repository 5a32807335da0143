#pragma once
// The walk-forward reduces (the stages are described in walkforward_job.hpp): window winners,
// the stitched out-of-sample series, DSR/PSR, then PBO; writes /walkforward and /overfitting.
#include <cstdint>
#include <string>
#include <vector>

#include "qg/jobs/job.hpp"
#include "overfitting/overfitting_tally.hpp"

namespace qg::results {
class RunFile;
}

namespace qg::jobs {

class WalkforwardJob;

class WalkforwardReducer final : public Reducer {
 public:
  WalkforwardReducer(const WalkforwardJob& job, results::RunFile& out);

  void consume(std::uint32_t stage, std::uint64_t task, std::span<const double> records) override;
  void task_failed(std::uint32_t stage, std::uint64_t task, const std::string& message) override;
  std::vector<double> end_stage(std::uint32_t stage) override;

 private:
  std::vector<double> select_winners();
  std::vector<double> write_walkforward();
  void write_windows(const std::vector<double>& oos_sharpe, const std::vector<double>& oos_ann);
  //! Sums over set `set`'s selection blocks [first, last): (S1, S2).
  std::pair<double, double> window_sums(std::size_t set, std::int64_t begin, std::int64_t end) const;
  const double* record(std::size_t set) const { return sets_.data() + set * width_; }

  const WalkforwardJob& job_;
  results::RunFile& out_;
  std::size_t width_ = 0;
  std::vector<double> sets_;                   // stage 0: width_ doubles per set, in set order
  std::vector<std::size_t> winners_;           // per window
  std::vector<double> is_ann_return_;          // the winner's, per window
  std::vector<double> is_sharpe_;              // the winner's (annualised), per window
  std::vector<std::vector<double>> segments_;  // stage 1 tasks < K
  OverfittingTally overfitting_;               // live Sharpe, moments, N_eff sums, CSCV splits
  std::uint64_t failed_[3] = {0, 0, 0};
};

}  // namespace qg::jobs
