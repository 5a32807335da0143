#pragma once
// Data-parallel fits (docs/train.md, `fit: {data_parallel: true}`): the rows of a fit are cut
// into the fixed blocks of kernels::ml::fit_blocks, each process holds a contiguous run of
// blocks (its shard), computes their partial sums with the fit_blocks kernels, and a
// BlockReduction adds every block's sums in block order. Every process then solves the same
// small system, so every process ends with the same model, and the model is the same bits at
// any process count. The solution is the one TrainJob's single-process fit finds (scaler on the
// fit's rows with the population std; ridge by the centred normal equations; logistic by Newton
// to a relative gradient norm of kRelativeTolerance), up to the order of the sums.
#include <Eigen/Core>
#include <cstdint>

#include "qg/jobs/block_reduction.hpp"
#include "train/trained_model.hpp"

namespace qg::jobs {

//! A process's share of a fit: blocks [first_block, last_block) of fit_blocks(total_rows).
struct RowShard {
  std::int64_t total_rows = 0;
  int first_block = 0;
  int last_block = 0;
  //! The fit's rows this shard holds: [first_row(), first_row() + rows()).
  std::int64_t first_row() const;
  std::int64_t rows() const;
};

//! Rank `rank` of `ranks` holds blocks [rank B / ranks, (rank + 1) B / ranks) of the B blocks.
RowShard shard_of(std::int64_t total_rows, int rank, int ranks);

//! Ridge on the shard's rows (x: shard rows x p, y: their targets); x is left as it is.
TrainedModel fit_ridge_data_parallel(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const RowShard& shard,
                                     double alpha, BlockReduction& reduce);

//! L2 logistic regression on the shard's rows (labels 0/1); x is standardised in place.
TrainedModel fit_logistic_data_parallel(Eigen::MatrixXd& x, const Eigen::VectorXd& y, const RowShard& shard, double c,
                                        BlockReduction& reduce);

}  // namespace qg::jobs
