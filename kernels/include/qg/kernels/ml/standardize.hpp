#pragma once
// Standardisation of features on a training fold (scikit-learn's StandardScaler): mean and
// population standard deviation (ddof 0); a constant column gets scale 1.
#include <Eigen/Core>

namespace qg::kernels::ml {

struct Scaler {
  Eigen::VectorXd mean;
  Eigen::VectorXd scale;
};

//! The scaler of the rows of `x` (two-pass: mean, then mean squared deviation).
Scaler fit_scaler(const Eigen::Ref<const Eigen::MatrixXd>& x);

//! (x - mean) / scale, column by column, in place.
void apply_scaler(const Scaler& scaler, Eigen::Ref<Eigen::MatrixXd> x);

}  // namespace qg::kernels::ml
