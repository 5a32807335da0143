#pragma once
// The walk-forward reduces (the stages are described in walkforward_job.hpp): window winners,
// the stitched out-of-sample series, DSR/PSR, then PBO; writes /walkforward and /overfitting.
#include <cstdint>
#include <memory>
#include <span>
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
  //! Stage-0 records of the sets from `first`: kept, and their objective on every window, live
  //! Sharpe and CSCV block sums taken as they arrive (while the stage's other tasks compute).
  void add_sets(std::size_t first, std::span<const double> records);
  std::vector<double> select_winners();
  void write_walkforward();
  void write_windows(const std::vector<double>& oos_sharpe, const std::vector<double>& oos_ann);
  //! Sums over a set record's selection blocks covering live columns [begin, end): (S1, S2).
  std::pair<double, double> window_sums(const double* record, std::int64_t begin, std::int64_t end) const;
  const double* record(std::size_t set) const { return sets_.data() + set * width_; }
  std::uint64_t failures() const { return failed_[0] + failed_[1]; }

  const WalkforwardJob& job_;
  results::RunFile& out_;
  std::size_t width_ = 0;
  std::vector<double> sets_;  // stage 0: width_ doubles per set, in set order
  // Written entry by entry as records arrive, so left uninitialised (no serial zeroing and
  // page faulting of megabytes before the first task): every entry is written before it is read.
  std::unique_ptr<double[]> values_;           // every window's objective of every set, window-major
  std::vector<double> live_sharpe_;            // every set's per-bar live Sharpe
  std::unique_ptr<double[]> cscv_;             // the CSCV block sums, block-major (stage 1's input)
  std::vector<std::size_t> winners_;           // per window
  std::vector<double> is_ann_return_;          // the winner's, per window
  std::vector<double> is_sharpe_;              // the winner's (annualised), per window
  std::vector<std::vector<double>> segments_;  // stage 1 tasks 1..K
  OverfittingTally overfitting_;               // live Sharpe, moments, N_eff sums, CSCV splits
  std::uint64_t failed_[2] = {0, 0};
};

}  // namespace qg::jobs
