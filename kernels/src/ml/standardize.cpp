// Standardisation on a training fold (standardize.hpp).
#include "qg/kernels/ml/standardize.hpp"

#include <cmath>

namespace qg::kernels::ml {

Scaler fit_scaler(const Eigen::Ref<const Eigen::MatrixXd>& x) {
  const auto n = static_cast<double>(x.rows());
  Scaler s;
  s.mean = x.colwise().sum().transpose() / n;
  s.scale.resize(x.cols());
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    const double var = (x.col(j).array() - s.mean(j)).square().sum() / n;
    s.scale(j) = var > 0 ? std::sqrt(var) : 1.0;  // a constant column stays as it is, centred
  }
  return s;
}

void apply_scaler(const Scaler& scaler, Eigen::Ref<Eigen::MatrixXd> x) {
  for (Eigen::Index j = 0; j < x.cols(); ++j) x.col(j) = (x.col(j).array() - scaler.mean(j)) / scaler.scale(j);
}

}  // namespace qg::kernels::ml
