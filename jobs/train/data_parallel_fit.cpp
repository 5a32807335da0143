#include "train/data_parallel_fit.hpp"

#include <Eigen/Cholesky>
#include <cmath>
#include <span>

#include "qg/core/error.hpp"
#include "qg/kernels/ml/fit_blocks.hpp"

namespace qg::jobs {
namespace {

namespace ml = kernels::ml;

//! Every block's sums of the shard, added across processes in block order. `add` adds one
//! block's sums: add(x rows, y rows, out span).
template <class AddBlock>
std::vector<double> sum_over_blocks(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const RowShard& shard,
                                    std::size_t width, BlockReduction& reduce, AddBlock add) {
  const auto blocks = ml::fit_blocks(shard.total_rows);
  const auto mine = static_cast<std::size_t>(shard.last_block - shard.first_block);
  std::vector<double> sums(mine * width, 0.0);
  const std::int64_t origin = shard.first_row();
  for (std::size_t k = 0; k < mine; ++k) {
    const auto& b = blocks[static_cast<std::size_t>(shard.first_block) + k];
    // A copy in storage of its own: SIMD sums split a column by its address, so a block must
    // sit at the same alignment whichever shard holds it for its sums to be the same bits.
    const Eigen::MatrixXd xb = x.middleRows(b.begin - origin, b.size());
    const Eigen::VectorXd yb = y.segment(b.begin - origin, b.size());
    add(xb, yb, std::span<double>(sums).subspan(k * width, width));
  }
  return reduce.sum_blocks(sums, width);
}

//! Sums about the column means: the scaler and the centred normal equations.
struct Moments {
  double n = 0;
  Eigen::VectorXd mean;   // of x
  double y_mean = 0;      // of y (first pass)
  Eigen::VectorXd dev;    // sum (x - mean)
  double y_dev = 0;       // sum (y - y_mean)
  Eigen::MatrixXd gram;   // sum (x - mean)(x - mean)'
  Eigen::VectorXd cross;  // sum (x - mean)(y - y_mean)
};

Moments moments_of(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const RowShard& shard, BlockReduction& reduce) {
  const Eigen::Index p = x.cols();
  Moments m;
  m.n = static_cast<double>(shard.total_rows);
  const auto sums = sum_over_blocks(x, y, shard, ml::column_sums_width(p), reduce,
                                    [](auto xb, auto yb, auto out) { ml::add_column_sums(xb, yb, out); });
  m.mean = Eigen::Map<const Eigen::VectorXd>(sums.data(), p) / m.n;
  m.y_mean = sums[static_cast<std::size_t>(p)] / m.n;
  const auto c = sum_over_blocks(x, y, shard, ml::centred_moments_width(p), reduce, [&](auto xb, auto yb, auto out) {
    ml::add_centred_moments(xb, yb, m.mean, m.y_mean, out);
  });
  m.dev = Eigen::Map<const Eigen::VectorXd>(c.data(), p);
  m.y_dev = c[static_cast<std::size_t>(p)];
  m.gram = Eigen::Map<const Eigen::MatrixXd>(c.data() + p + 1, p, p);
  m.cross = Eigen::Map<const Eigen::VectorXd>(c.data() + p + 1 + p * p, p);
  return m;
}

//! The scaler of fit_scaler: the mean and the population std (1 for a constant column).
ml::Scaler scaler_of(const Moments& m) {
  ml::Scaler s{m.mean, Eigen::VectorXd(m.mean.size())};
  for (Eigen::Index j = 0; j < s.scale.size(); ++j) {
    const double var = m.gram(j, j) / m.n;
    s.scale(j) = var > 0 ? std::sqrt(var) : 1.0;
  }
  return s;
}

constexpr int kMaxNewtonSteps = 100;
constexpr int kMaxHalvings = 60;

//! The logistic objective and its derivatives over every shard (w: coefficients, intercept).
struct LogisticProblem {
  const Eigen::MatrixXd& x;
  const Eigen::VectorXd& y;
  const RowShard& shard;
  double c;
  BlockReduction& reduce;

  double penalty(const Eigen::VectorXd& w) const { return 0.5 * w.head(w.size() - 1).squaredNorm(); }

  double objective(const Eigen::VectorXd& w) const {
    const auto loss = sum_over_blocks(x, y, shard, 1, reduce,
                                      [&](auto xb, auto yb, auto out) { out[0] += ml::logistic_loss_sum(xb, yb, w); });
    return c * loss[0] + penalty(w);
  }

  //! Objective, gradient and Hessian at w.
  double derivatives(const Eigen::VectorXd& w, Eigen::VectorXd& g, Eigen::MatrixXd& h) const {
    const Eigen::Index q = w.size();
    const auto s = sum_over_blocks(x, y, shard, ml::logistic_pieces_width(q - 1), reduce,
                                   [&](auto xb, auto yb, auto out) { ml::add_logistic_pieces(xb, yb, w, out); });
    g = c * Eigen::Map<const Eigen::VectorXd>(s.data() + 1, q);
    g.head(q - 1) += w.head(q - 1);
    h = c * Eigen::Map<const Eigen::MatrixXd>(s.data() + 1 + q, q, q);
    h.diagonal().head(q - 1).array() += 1.0;
    return c * s[0] + penalty(w);
  }

  //! The step length along -step that the Armijo rule accepts (or a rounding-level change).
  double line_search(const Eigen::VectorXd& w, double f0, const Eigen::VectorXd& step, double slope) const {
    double t = 1.0;
    for (int k = 0; k < kMaxHalvings; ++k, t *= 0.5) {
      const double f = objective(w - t * step);
      if (f <= f0 - 1e-4 * t * slope || f <= f0 + 1e-13 * std::fabs(f0)) return t;
    }
    return 0.0;
  }
};

ml::LinearFit newton(const LogisticProblem& pr, Eigen::Index p) {
  Eigen::VectorXd w = Eigen::VectorXd::Zero(p + 1), g;
  Eigen::MatrixXd h;
  ml::LinearFit fit;
  double g0 = 0;
  for (fit.iterations = 0;; ++fit.iterations) {
    const double f = pr.derivatives(w, g, h);
    if (fit.iterations == 0) g0 = g.norm() > 0 ? g.norm() : 1.0;
    fit.gradient_norm = g.norm() / g0;
    if (fit.gradient_norm <= ml::kRelativeTolerance) break;
    const Eigen::VectorXd step = h.ldlt().solve(g);
    const double t = fit.iterations < kMaxNewtonSteps ? pr.line_search(w, f, step, g.dot(step)) : 0.0;
    if (t == 0.0) {
      fit.converged = false;
      break;
    }
    w -= t * step;
  }
  fit.coef = w.head(p);
  fit.intercept = w(p);
  return fit;
}

void check_shard(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const RowShard& shard) {
  if (x.rows() != shard.rows() || y.size() != shard.rows())
    throw KernelError("data-parallel fit: the shard holds " + std::to_string(shard.rows()) + " rows, x " +
                      std::to_string(x.rows()) + " and y " + std::to_string(y.size()));
}

}  // namespace

std::int64_t RowShard::first_row() const {
  if (first_block == last_block) return 0;
  return ml::fit_blocks(total_rows)[static_cast<std::size_t>(first_block)].begin;
}

std::int64_t RowShard::rows() const {
  if (first_block == last_block) return 0;
  const auto blocks = ml::fit_blocks(total_rows);
  return blocks[static_cast<std::size_t>(last_block) - 1].end - blocks[static_cast<std::size_t>(first_block)].begin;
}

RowShard shard_of(std::int64_t total_rows, int rank, int ranks) {
  QG_CHECK(ranks >= 1 && rank >= 0 && rank < ranks, "shard_of: rank out of range");
  const auto n = static_cast<std::int64_t>(ml::fit_blocks(total_rows).size());
  return {total_rows, static_cast<int>(n * rank / ranks), static_cast<int>(n * (rank + 1) / ranks)};
}

TrainedModel fit_ridge_data_parallel(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const RowShard& shard,
                                     double alpha, BlockReduction& reduce) {
  check_shard(x, y, shard);
  const Moments m = moments_of(x, y, shard, reduce);
  TrainedModel model;
  model.scaler = scaler_of(m);
  // Standardised z = (x - mean) / scale has column means dev / (n scale); centring z and y about
  // their own means gives the Gram matrix (gram - dev dev' / n) / (scale scale') and the right-hand
  // side (cross - dev y_dev / n) / scale of fit_ridge's centred normal equations.
  const Eigen::VectorXd& s = model.scaler.scale;
  Eigen::MatrixXd a = (m.gram - m.dev * m.dev.transpose() / m.n).array() / (s * s.transpose()).array();
  a.diagonal().array() += alpha;
  const Eigen::VectorXd rhs = (m.cross - m.dev * (m.y_dev / m.n)).array() / s.array();
  model.fit.coef = a.ldlt().solve(rhs);
  const Eigen::VectorXd z_mean = m.dev.array() / (m.n * s.array());
  model.fit.intercept = (m.y_mean + m.y_dev / m.n) - z_mean.dot(model.fit.coef);
  return model;
}

TrainedModel fit_logistic_data_parallel(Eigen::MatrixXd& x, const Eigen::VectorXd& y, const RowShard& shard, double c,
                                        BlockReduction& reduce) {
  check_shard(x, y, shard);
  if (!(c > 0)) throw KernelError("fit_logistic: C must be positive");
  TrainedModel model;
  model.scaler = scaler_of(moments_of(x, y, shard, reduce));
  ml::apply_scaler(model.scaler, x);
  model.fit = newton(LogisticProblem{x, y, shard, c, reduce}, x.cols());
  return model;
}

}  // namespace qg::jobs
