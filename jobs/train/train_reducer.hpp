#pragma once
// The training reduces (the stages are described in train_job.hpp): the CV table and the
// selection, then the out-of-fold predictions, the chosen set and the refitted model; writes
// /train/cv, /train/best, /train/model, /train/oos, /train/paths (CPCV), /train/ensemble and
// /train/summary.
#include <cstdint>
#include <string>
#include <vector>

#include "qg/jobs/job.hpp"

namespace qg::results {
class RunFile;
}

namespace qg::jobs {

class TrainJob;

class TrainReducer final : public Reducer {
 public:
  TrainReducer(const TrainJob& job, results::RunFile& out);

  void consume(std::uint32_t stage, std::uint64_t task, std::span<const double> records) override;
  void task_failed(std::uint32_t stage, std::uint64_t task, const std::string& message) override;
  std::vector<double> end_stage(std::uint32_t stage) override;

  //! The set with the best mean of score column `score` over `splits` splits, from fold
  //! records of width `width` laid out set-major (NaN means are never chosen over a number;
  //! ties go to the first set). Also fills the means.
  static std::size_t select(const std::vector<double>& folds, std::size_t width, std::size_t splits, std::size_t score,
                            bool minimise, std::vector<double>& means);

 private:
  std::vector<double> write_cv();
  void write_oos();
  void write_paths(const std::vector<std::vector<double>>& path_decisions);
  void write_model();
  void write_ensemble();

  const TrainJob& job_;
  results::RunFile& out_;
  std::vector<double> folds_;                   // stage 0: fold_width() doubles per task
  std::vector<std::vector<double>> decisions_;  // stage 1: per split, on its test samples
  std::vector<double> refit_;
  std::vector<std::vector<double>> members_;  // stage 1: refit records of the ensemble members
  std::size_t best_ = 0;
  std::uint64_t failed_[2] = {0, 0};
};

}  // namespace qg::jobs
