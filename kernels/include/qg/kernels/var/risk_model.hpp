#pragma once
// Covariance estimators of a window of returns and a Cholesky factorisation that says where
// it fails.
#include <Eigen/Core>

#include <optional>
#include <vector>

namespace qg::kernels::var {

//! Sample covariance (divisor T-1) of T x N returns about their column means.
void sample_cov(const Eigen::Ref<const Eigen::MatrixXd>& returns, Eigen::Ref<Eigen::MatrixXd> out);
//! Plain-loop reference of sample_cov.
void sample_cov_ref(const Eigen::Ref<const Eigen::MatrixXd>& returns, Eigen::Ref<Eigen::MatrixXd> out);

//! EWMA covariance (RiskMetrics): about zero, weight lambda^(T-1-t) on row t (the newest row
//! has weight 1), normalised by the sum of the weights.
void ewma_cov(const Eigen::Ref<const Eigen::MatrixXd>& returns, double lambda, Eigen::Ref<Eigen::MatrixXd> out);
//! Plain-loop reference of ewma_cov.
void ewma_cov_ref(const Eigen::Ref<const Eigen::MatrixXd>& returns, double lambda, Eigen::Ref<Eigen::MatrixXd> out);

//! (1 - delta) * cov + delta * diag(cov), in place.
void shrink_to_diagonal(Eigen::Ref<Eigen::MatrixXd> cov, double delta);

//! Where a Cholesky factorisation stopped.
struct CholeskyFailure {
  Eigen::Index pivot = 0;              // the first column whose pivot is not positive
  double pivot_value = 0;              // what was left of its variance
  std::vector<Eigen::Index> involved;  // earlier columns it is (nearly) a combination of, largest weight first
};

//! Lower Cholesky factor L with cov = L L^T. Fails when a pivot is below 1e-12 times its
//! diagonal entry (not positive definite to working precision), naming the pivot and the
//! earlier columns that explain it.
std::optional<CholeskyFailure> cholesky_lower(Eigen::Ref<const Eigen::MatrixXd> cov, Eigen::MatrixXd& lower);

}  // namespace qg::kernels::var
