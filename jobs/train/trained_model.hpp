#pragma once
// A linear model fitted on standardised features: the training rows' scaler and the fit.
#include "qg/kernels/ml/linear_model.hpp"
#include "qg/kernels/ml/standardize.hpp"

namespace qg::jobs {

struct TrainedModel {
  kernels::ml::Scaler scaler;
  kernels::ml::LinearFit fit;
};

}  // namespace qg::jobs
