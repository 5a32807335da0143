#pragma once
// Per-block partial sums of the linear-model fits, for fits whose rows are split across
// processes (docs/train.md, `fit: {data_parallel: true}`). The rows of a fit are cut into a
// FIXED number of contiguous blocks (kFitBlocks, independent of the process count); each
// process computes the sums of the blocks it holds, and the fit adds the blocks' sums in block
// order, so the result is the same bits at any process count.
//
// Every kernel adds one block's sums into a flat vector `out` (zeroed by the caller) so that
// blocks travel and add as plain arrays. Layouts (p = columns of x):
//   column sums         [sum x (p), sum y]                                       p + 1
//   centred moments     [sum z (p), sum e, sum z z' (p x p, column-major), sum z e (p)]
//                       with z = x - x_shift, e = y - y_shift                    p^2 + 2p + 1
//   logistic pieces     [sum loss, gradient (p + 1), Hessian (p + 1)^2, column-major]
//                       at w = (b, b0): loss_i = log(1 + exp(u_i)) - y_i u_i, u = x b + b0;
//                       gradient = sum (s_i - y_i) [x_i, 1]; Hessian = sum s_i (1 - s_i) [x_i, 1][x_i, 1]'
//                       with s = sigmoid(u)                                      1 + (p + 1) + (p + 1)^2
//   logistic loss       [sum loss]                                               1
#include <Eigen/Core>
#include <cstdint>
#include <span>
#include <vector>

#include "qg/kernels/ml/cv_splits.hpp"

namespace qg::kernels::ml {

//! Row blocks of a data-parallel fit: min(kFitBlocks, rows) blocks sized as numpy.array_split.
inline constexpr int kFitBlocks = 64;
std::vector<IndexRange> fit_blocks(std::int64_t rows);

std::size_t column_sums_width(Eigen::Index p);
std::size_t centred_moments_width(Eigen::Index p);
std::size_t logistic_pieces_width(Eigen::Index p);

//! Adds the block's column sums of x and the sum of y to `out` (column_sums_width(p)).
void add_column_sums(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                     std::span<double> out);
void add_column_sums_ref(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                         std::span<double> out);

//! Adds the block's moments about (x_shift, y_shift) to `out` (centred_moments_width(p)).
void add_centred_moments(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                         const Eigen::Ref<const Eigen::VectorXd>& x_shift, double y_shift, std::span<double> out);
void add_centred_moments_ref(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                             const Eigen::Ref<const Eigen::VectorXd>& x_shift, double y_shift, std::span<double> out);

//! Adds the block's log-loss, gradient and Hessian at w (p + 1: coefficients, then the
//! intercept) to `out` (logistic_pieces_width(p)). Labels 0/1; no penalty, no C.
void add_logistic_pieces(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                         const Eigen::Ref<const Eigen::VectorXd>& w, std::span<double> out);
void add_logistic_pieces_ref(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                             const Eigen::Ref<const Eigen::VectorXd>& w, std::span<double> out);

//! The block's summed log-loss at w (the line search's objective, without penalty or C).
double logistic_loss_sum(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                         const Eigen::Ref<const Eigen::VectorXd>& w);
double logistic_loss_sum_ref(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                             const Eigen::Ref<const Eigen::VectorXd>& w);

//! log(1 + exp(z)) without overflow.
double softplus(double z);

}  // namespace qg::kernels::ml
