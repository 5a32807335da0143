#pragma once
// Scores of predictions, as scikit-learn's metrics define them (docs/train.md).
#include <span>

namespace qg::kernels::ml {

//! Mean squared error.
double mse(std::span<const double> y, std::span<const double> pred);
//! 1 - SS_res / SS_tot; when SS_tot = 0: 1 for a perfect fit, else 0 (scikit-learn's force_finite).
double r2(std::span<const double> y, std::span<const double> pred);
//! Mean -(y log p + (1 - y) log(1 - p)), p clipped to [eps, 1 - eps], eps = DBL_EPSILON.
double log_loss(std::span<const double> y, std::span<const double> prob);
//! Share of labels equal to (decision > 0).
double accuracy(std::span<const double> y, std::span<const double> decision);
//! Area under the ROC curve of scores against 0/1 labels, tied scores sharing their average
//! rank (equal to scikit-learn's trapezoidal AUC). NaN when only one class is present.
double roc_auc(std::span<const double> y, std::span<const double> score);

}  // namespace qg::kernels::ml
