#pragma once
// The gradient of the L2 logistic objective C sum_i logloss(y_i, xt_i w) + ||b||^2 / 2 in one
// pass over the design xt = [x, 1] (the intercept's column last, w = (b, b0)):
//   g = C xt'(sigmoid(xt w) - y) + (b, 0).
// The pass goes through the rows in blocks of kGradientBlockRows: each block's scores, sigmoids
// and residuals are formed while its rows are in the L1 cache and added into per-column lane
// sums, so the design is read once per gradient (two matrix-vector products read it twice).
// A row's arithmetic depends only on its position in the design, never on the thread, the
// allocation or the other rows: the same design, labels and w give the same bits.
#include <Eigen/Core>

namespace qg::kernels::ml {

inline constexpr Eigen::Index kGradientBlockRows = 64;

//! g (xt.cols()) = the gradient at w (xt.cols()); labels 0/1. KernelError on mismatched shapes.
void logistic_gradient(const Eigen::Ref<const Eigen::MatrixXd>& xt, const Eigen::Ref<const Eigen::VectorXd>& y,
                       const Eigen::Ref<const Eigen::VectorXd>& w, double c, Eigen::Ref<Eigen::VectorXd> g);
//! Plain-loop reference: scalar exp, one running sum per coefficient. Never optimized.
void logistic_gradient_ref(const Eigen::Ref<const Eigen::MatrixXd>& xt, const Eigen::Ref<const Eigen::VectorXd>& y,
                           const Eigen::Ref<const Eigen::VectorXd>& w, double c, Eigen::Ref<Eigen::VectorXd> g);

}  // namespace qg::kernels::ml
