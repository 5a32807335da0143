#pragma once
// The training job: two stages over one series (docs/train.md).
//   stage 0, task i = set * K + k: fit hyper-parameter set `set` on split k's training samples
//     (standardised on them), score its test samples -> {n_train, scores...}. The scaler of
//     split k (and ridge's Gram pieces) is computed once per process by the first task of the
//     split that needs it (fold_cache.hpp), and each (set, split) fit is kept there, so stage
//     1's refit of the chosen set on split k reuses it; a record is the same bits whichever
//     task, thread or rank computed what it reads.
//   reduce 0: the /train/cv table; the set with the best unweighted mean test score over the
//     K splits (losses minimised, ties to the first in grid order) -> stage 1's input {set}.
//   stage 1, task k < K: the chosen set refitted on split k, its decision values on the test
//     samples (the out-of-fold predictions); task K: the chosen set fitted on every sample;
//     task K + 1 + m: ensemble member m, the chosen set fitted on a moving-block bootstrap of
//     every sample drawn from Philox keyed by (seed, member).
//   reduce 1: /train/oos (and /train/paths for CPCV), /train/best, /train/model, /train/ensemble.
// With `fit: {data_parallel: true}` stage 1's task K is collective: every rank fits its shard of
// the samples' row blocks and the block sums are added across ranks (data_parallel_fit.hpp);
// run_task computes the same bits with every block in one process.
#include <Eigen/Core>
#include <memory>
#include <span>
#include <vector>

#include "qg/jobs/collective_tasks.hpp"
#include "qg/jobs/job.hpp"
#include "qg/kernels/ml/linear_model.hpp"
#include "qg/kernels/ml/standardize.hpp"
#include "train/data_parallel_fit.hpp"
#include "train/fold_cache.hpp"
#include "train/train_plan.hpp"
#include "train/train_spec.hpp"
#include "train/trained_model.hpp"

namespace qg::jobs {

class TrainJob final : public Job, public CollectiveTasks {
 public:
  //! DataError unless the data holds exactly one symbol with enough samples for the splits.
  TrainJob(TrainSpec spec, std::shared_ptr<const MarketData> data);

  const SpecHeader& header() const override { return spec_->header; }
  const JobKind& kind() const override;
  std::uint32_t num_stages() const override { return 2; }
  std::uint64_t num_tasks(std::uint32_t stage, StageInput input) const override;
  std::size_t max_task_values(std::uint32_t stage, StageInput input) const override;
  void run_task(std::uint32_t stage, StageInput input, std::uint64_t task, std::vector<double>& out) const override;
  std::unique_ptr<Reducer> make_reducer(results::RunFile& out) const override;
  //! Stage 1's task K (the refit on every sample) with `fit: {data_parallel: true}`.
  std::vector<std::uint64_t> collective_tasks(std::uint32_t stage, StageInput input) const override;
  void run_collective(std::uint32_t stage, StageInput input, std::uint64_t task, int rank, int ranks,
                      BlockReduction& reduce, std::vector<double>& out) const override;

  const TrainSpec& spec() const { return *spec_; }
  const TrainPlan& plan() const { return plan_; }
  const SymbolBars& bars() const { return data_->symbols.front(); }
  std::size_t n_sets() const { return spec_->grid.size(); }
  std::size_t n_splits() const { return plan_.splits.size(); }
  //! Samples x features, and the labels.
  const Eigen::MatrixXd& features() const { return *x_; }
  const Eigen::VectorXd& labels() const { return *y_; }
  //! Doubles of a stage-0 record: n_train and the scores.
  std::size_t fold_width() const { return 1 + spec_->scores().size(); }
  //! Doubles of the refit record: mean, scale, standardised coefficients (p each), intercept,
  //! raw coefficients (p), intercept, iterations, relative gradient norm.
  std::size_t refit_width() const { return 4 * static_cast<std::size_t>(x_->cols()) + 4; }

  //! Fits hyper-parameter set `set` on the samples `rows` (throws KernelError when an
  //! iterative solver does not converge).
  TrainedModel fit(std::size_t set, const std::vector<kernels::ml::IndexRange>& rows) const;
  //! Decision values of a model on the samples `rows`.
  std::vector<double> decide(const TrainedModel& model, const std::vector<kernels::ml::IndexRange>& rows) const;
  //! Labels of the samples `rows`, in Eigen's aligned storage: the vectorised sums over them
  //! (ridge's mean of y, ...) then add in one order whatever the heap gave, where a
  //! std::vector's data (16-byte aligned by malloc, 32-byte aligned or not by chance) made
  //! Eigen peel a different head and the bits depend on the thread and the heap's state.
  Eigen::VectorXd labels_of(const std::vector<kernels::ml::IndexRange>& rows) const;

 private:
  //! The single-process fit: scaler, standardisation, the model's solver.
  TrainedModel fit_in_one(Eigen::MatrixXd& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                          std::span<const double> params) const;
  //! The model's solver on standardised features.
  kernels::ml::LinearFit solve(const Eigen::Ref<const Eigen::MatrixXd>& xs, const Eigen::Ref<const Eigen::VectorXd>& y,
                               std::span<const double> params) const;
  //! Hyper-parameter set `set` fitted on split k's training samples: fit(set, split.train), the
  //! same bits, with the split's shared part taken from the fold cache.
  TrainedModel fit_split(std::size_t set, std::size_t k) const;
  //! Set `set` solved on a split's training samples `rows` with the split's shared part.
  kernels::ml::LinearFit solve_split(const FoldFit& shared, std::size_t set,
                                     const std::vector<kernels::ml::IndexRange>& rows) const;
  //! The shared part of the fits on `rows` (the fold cache's entry of a split).
  FoldFit fold_fit(const std::vector<kernels::ml::IndexRange>& rows) const;
  //! fold_fit() of a logistic model: the standardised design built in place.
  FoldFit logistic_fold_fit(const std::vector<kernels::ml::IndexRange>& rows) const;
  //! The data-parallel fit of this process's shard of the rows (`fit: {data_parallel}`).
  TrainedModel fit_in_blocks(Eigen::MatrixXd& x, const Eigen::Ref<const Eigen::VectorXd>& y, double param,
                             const RowShard& shard, BlockReduction& reduce) const;
  //! Throws KernelError when an iterative solver did not converge.
  void check_converged(const TrainedModel& m) const;
  //! The refit record (refit_width() doubles) of a model.
  void write_refit(const TrainedModel& m, std::vector<double>& out) const;
  void run_fold(std::uint64_t task, std::vector<double>& out) const;
  //! Fits `set` on `rows` and writes the refit record (refit_width() doubles).
  void run_refit(std::size_t set, const std::vector<kernels::ml::IndexRange>& rows, std::vector<double>& out) const;

  std::shared_ptr<const TrainSpec> spec_;
  std::shared_ptr<const MarketData> data_;
  TrainPlan plan_;
  std::shared_ptr<const Eigen::MatrixXd> x_;
  std::shared_ptr<const Eigen::VectorXd> y_;
  std::shared_ptr<FoldCache> folds_;
};

}  // namespace qg::jobs
