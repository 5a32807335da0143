#pragma once
// The data-parallel fit cases shared by the threaded and the MPI tests: each rank takes its
// shard of the same synthetic rows, fits with a TransportBlockReduction, and the model must be
// the same bits as every block in one process (LocalBlockReduction) and equal to the
// single-process fit (fit_scaler + fit_ridge / fit_logistic) to 1e-10 relative.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "qg/worker/transport_block_reduction.hpp"
#include "qg/kernels/ml/linear_model.hpp"
#include "qg/kernels/ml/standardize.hpp"
#include "train/data_parallel_fit.hpp"

namespace qg::coordinator {
using worker::TransportBlockReduction;
}  // namespace qg::coordinator

namespace qg::coordinator::testing {

enum class DpModel { kRidge, kLogistic };

//! Rows with unequal column means and scales; labels from a noisy linear score.
struct DpData {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
};

inline DpData dp_data(DpModel model, Eigen::Index n = 5003, Eigen::Index p = 6) {
  std::mt19937_64 rng(42);
  std::normal_distribution<double> z(0.0, 1.0);
  DpData d{Eigen::MatrixXd(n, p), Eigen::VectorXd(n)};
  for (Eigen::Index i = 0; i < n; ++i) {
    double score = z(rng);
    for (Eigen::Index j = 0; j < p; ++j) {
      d.x(i, j) = 0.5 * static_cast<double>(j) + (1.0 + 0.3 * static_cast<double>(j)) * z(rng);
      score += (d.x(i, j) - 0.5 * static_cast<double>(j)) * static_cast<double>(j + 1) / static_cast<double>(p);
    }
    d.y(i) = model == DpModel::kRidge ? score : (score > 0 ? 1.0 : 0.0);
  }
  return d;
}

inline jobs::TrainedModel dp_fit(DpModel model, const DpData& d, const jobs::RowShard& shard,
                                 jobs::BlockReduction& reduce) {
  Eigen::MatrixXd x = d.x.middleRows(shard.first_row(), shard.rows());
  const Eigen::VectorXd y = d.y.segment(shard.first_row(), shard.rows());
  if (model == DpModel::kRidge) return jobs::fit_ridge_data_parallel(x, y, shard, 2.5, reduce);
  return jobs::fit_logistic_data_parallel(x, y, shard, 0.7, reduce);
}

inline jobs::TrainedModel single_process_fit(DpModel model, const DpData& d) {
  jobs::TrainedModel m;
  Eigen::MatrixXd x = d.x;
  m.scaler = kernels::ml::fit_scaler(x);
  kernels::ml::apply_scaler(m.scaler, x);
  m.fit = model == DpModel::kRidge ? kernels::ml::fit_ridge(x, d.y, 2.5) : kernels::ml::fit_logistic(x, d.y, 0.7);
  return m;
}

//! The checks every rank makes on its model.
inline void expect_rank_model(DpModel model, const DpData& d, const jobs::TrainedModel& got) {
  jobs::LocalBlockReduction local;
  const jobs::TrainedModel blocks = dp_fit(model, d, jobs::shard_of(d.x.rows(), 0, 1), local);
  const jobs::TrainedModel one = single_process_fit(model, d);
  const auto rel = [](double a, double b) { return std::fabs(a - b) / std::max(1.0, std::fabs(b)); };
  for (Eigen::Index j = 0; j < d.x.cols(); ++j) {
    EXPECT_EQ(got.fit.coef(j), blocks.fit.coef(j)) << "coef " << j;  // the same bits at any rank count
    EXPECT_EQ(got.scaler.scale(j), blocks.scaler.scale(j)) << "scale " << j;
    EXPECT_LE(rel(got.fit.coef(j), one.fit.coef(j)), 1e-10) << "coef " << j;
    EXPECT_LE(rel(got.scaler.mean(j), one.scaler.mean(j)), 1e-10) << "mean " << j;
  }
  EXPECT_EQ(got.fit.intercept, blocks.fit.intercept);
  EXPECT_LE(rel(got.fit.intercept, one.fit.intercept), 1e-10);
  EXPECT_TRUE(got.fit.converged);
}

}  // namespace qg::coordinator::testing
