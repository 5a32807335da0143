// The logistic gradient in one blocked pass over the design (logistic_gradient.hpp). Per block
// of kRows rows: the scores z = xt w (one column at a time, added in column order), the
// residuals sigmoid(z) - y on Eigen's packet exp (a fixed-size, aligned block: every row goes
// through the same vector code, none through a scalar tail), and each column's products with
// the residuals added into kLanes running sums, reduced in lane order at the end. A last,
// partial block is copied into a zero-padded buffer and its padding's residuals are zero.
#include <Eigen/Core>
#include <algorithm>
#include <cstring>
#include <vector>

#include "qg/core/error.hpp"
#include "qg/kernels/ml/logistic_gradient.hpp"

namespace qg::kernels::ml {
namespace {

constexpr Eigen::Index kRows = kGradientBlockRows;
constexpr int kLanes = 8;
static_assert(kRows % kLanes == 0);
using BlockArray = Eigen::Array<double, kRows, 1>;

//! One block of rows: column k's kRows values at cols + k * stride, labels at y.
struct Block {
  const double* cols;
  Eigen::Index stride;
  const double* y;
  Eigen::Index rows;  // real rows; the rest (a padded last block) are zero and weigh nothing
};

//! Four doubles, one AVX2 register (two SSE registers on older targets): GCC's vector extension
//! keeps the lanes explicit, so every lane adds in the order written, whatever the target.
using Lanes = double __attribute__((vector_size(32)));
constexpr int kWidth = 4;

Lanes load(const double* p) {
  Lanes v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

void store(double* p, Lanes v) { std::memcpy(p, &v, sizeof v); }

//! z = sum over columns k (in order) of x_k w_k, half a block (kRows / 2 rows) at a time so that
//! the scores stay in registers.
void block_scores(const Block& b, const Eigen::Ref<const Eigen::VectorXd>& w, double* z) {
  constexpr int kHalf = kRows / 2 / kWidth;
  for (int half = 0; half < 2; ++half) {
    const Eigen::Index first = half * kHalf * kWidth;
    Lanes acc[kHalf] = {};
    for (Eigen::Index k = 0; k < w.size(); ++k) {
      const double* xk = b.cols + k * b.stride + first;
      const Lanes wk = Lanes{} + w(k);
      for (int v = 0; v < kHalf; ++v) acc[v] += load(xk + v * kWidth) * wk;
    }
    for (int v = 0; v < kHalf; ++v) store(z + first + v * kWidth, acc[v]);
  }
}

//! r = sigmoid(z) - y with sigmoid = 1 / (1 + e) for z >= 0, else e / (1 + e), e = exp(-|z|);
//! zero past the block's real rows.
void block_residuals(const Block& b, const double* z, double* r) {
  const Eigen::Map<const BlockArray, Eigen::Aligned32> zs(z);
  const Eigen::Map<const BlockArray> ys(b.y);
  const BlockArray e = (-zs.abs()).exp();
  Eigen::Map<BlockArray, Eigen::Aligned32> out(r);
  out = (zs >= 0.0).select(BlockArray::Ones(), e) / (1.0 + e) - ys;
  std::fill(r + b.rows, r + kRows, 0.0);
}

//! Columns k0 .. k0 + kCols - 1: sums[k * kLanes + l] += x_k[i] r[i] over the rows i = l (mod
//! kLanes). Each residual vector is loaded once for the group's columns.
template <int kCols>
void accumulate_group(const Block& b, Eigen::Index k0, const double* r, double* sums) {
  static_assert(kLanes == 2 * kWidth);
  Lanes acc[kCols][2];
  for (int c = 0; c < kCols; ++c)
    for (int s = 0; s < 2; ++s) acc[c][s] = load(sums + (k0 + c) * kLanes + s * kWidth);
  for (Eigen::Index i = 0; i < kRows; i += kLanes) {
    const Lanes r0 = load(r + i), r1 = load(r + i + kWidth);
    for (int c = 0; c < kCols; ++c) {
      const double* xk = b.cols + (k0 + c) * b.stride + i;
      acc[c][0] += load(xk) * r0;
      acc[c][1] += load(xk + kWidth) * r1;
    }
  }
  for (int c = 0; c < kCols; ++c)
    for (int s = 0; s < 2; ++s) store(sums + (k0 + c) * kLanes + s * kWidth, acc[c][s]);
}

//! Every column's lane sums of x_k r, four columns at a time.
void block_accumulate(const Block& b, Eigen::Index cols, const double* r, double* sums) {
  Eigen::Index k = 0;
  for (; k + 4 <= cols; k += 4) accumulate_group<4>(b, k, r, sums);
  switch (cols - k) {
    case 3:
      return accumulate_group<3>(b, k, r, sums);
    case 2:
      return accumulate_group<2>(b, k, r, sums);
    case 1:
      return accumulate_group<1>(b, k, r, sums);
    default:
      return;
  }
}

//! The last rows (fewer than kRows) copied into `pad`, zero-filled to a whole block.
Block padded_tail(const Eigen::Ref<const Eigen::MatrixXd>& xt, const Eigen::Ref<const Eigen::VectorXd>& y,
                  Eigen::Index first, std::vector<double>& pad) {
  const Eigen::Index rows = xt.rows() - first, cols = xt.cols();
  pad.assign(static_cast<std::size_t>((cols + 1) * kRows), 0.0);
  for (Eigen::Index k = 0; k < cols; ++k) std::copy_n(xt.col(k).data() + first, rows, pad.data() + k * kRows);
  std::copy_n(y.data() + first, rows, pad.data() + cols * kRows);
  return {pad.data(), kRows, pad.data() + cols * kRows, rows};
}

}  // namespace

void logistic_gradient(const Eigen::Ref<const Eigen::MatrixXd>& xt, const Eigen::Ref<const Eigen::VectorXd>& y,
                       const Eigen::Ref<const Eigen::VectorXd>& w, double c, Eigen::Ref<Eigen::VectorXd> g) {
  const Eigen::Index n = xt.rows(), cols = xt.cols();
  if (y.size() != n || w.size() != cols || g.size() != cols || cols < 1)
    throw KernelError("logistic_gradient: xt, y, w and g do not match");
  alignas(32) double z[kRows];
  alignas(32) double r[kRows];
  std::vector<double> sums(static_cast<std::size_t>(cols * kLanes), 0.0), pad;
  for (Eigen::Index first = 0; first < n; first += kRows) {
    const Block b = n - first >= kRows ? Block{xt.data() + first, xt.outerStride(), y.data() + first, kRows}
                                       : padded_tail(xt, y, first, pad);
    block_scores(b, w, z);
    block_residuals(b, z, r);
    block_accumulate(b, cols, r, sums.data());
  }
  for (Eigen::Index k = 0; k < cols; ++k) {
    double s = 0;
    for (int l = 0; l < kLanes; ++l) s += sums[static_cast<std::size_t>(k * kLanes + l)];
    g(k) = c * s;
  }
  g.head(cols - 1) += w.head(cols - 1);
}

}  // namespace qg::kernels::ml
