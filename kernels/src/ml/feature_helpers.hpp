#pragma once
// Pieces the fast and the reference feature paths share (kernels/src/ml only).
#include <Eigen/Core>
#include <span>
#include <vector>

namespace qg::kernels::ml::detail {

//! Wilder's RSI of `c` with period p into out(t, col) for t >= p; one O(n) recursion, so the
//! fast and reference paths use the same code.
void wilder_rsi(std::span<const double> c, int p, Eigen::Ref<Eigen::MatrixXd> out, Eigen::Index col);

//! r_t = c_t / c_{t-1} - 1, with r_0 = NaN.
std::vector<double> simple_returns(std::span<const double> c);

}  // namespace qg::kernels::ml::detail
