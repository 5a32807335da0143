// Monte Carlo revaluation: normal / Student t / bootstrap shocks, block by block, with a
// DGEMV fast path for linear books and the packed triangular product + Black-Scholes for books
// with options.
#include "qg/kernels/var/simulate.hpp"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "qg/core/error.hpp"

namespace qg::kernels::var {

Eigen::VectorXd Book::linear_exposure() const {
  Eigen::VectorXd e = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(n_assets()));
  for (const auto& p : positions)
    if (p.option < 0) e(static_cast<Eigen::Index>(p.asset)) += p.quantity * prices[p.asset];
  return e;
}

Eigen::VectorXd Book::delta_exposure() const {
  Eigen::VectorXd e = linear_exposure();
  for (const auto& p : positions) {
    if (p.option < 0) continue;
    const auto& o = options[static_cast<std::size_t>(p.option)];
    const double s = prices[o.asset];
    e(static_cast<Eigen::Index>(o.asset)) += p.quantity * s * bs_delta(o.type, s, o.strike, o.expiry, rate, o.vol);
  }
  return e;
}

void position_pnl(const Book& book, const double* y, double* pnl) {
  for (std::size_t i = 0; i < book.positions.size(); ++i) {
    const auto& p = book.positions[i];
    const double s = book.prices[p.asset];
    if (p.option < 0) {
      // A price cannot fall below 0: a shock below -100% leaves the asset worthless, so a long
      // holding loses at most its value and a short one gains at most it (NaN stays NaN).
      pnl[i] = p.quantity * s * std::max(y[p.asset], -1.0);
      continue;
    }
    const auto& o = book.options[static_cast<std::size_t>(p.option)];
    const double v = bs_price(o.type, s * (1 + y[p.asset]), o.strike, o.expiry - book.horizon_years, book.rate, o.vol);
    pnl[i] = p.quantity * (v - o.value0);
  }
}

double book_pnl(const Book& book, const double* y) {
  std::vector<double> pnl(book.positions.size());
  position_pnl(book, y, pnl.data());
  double total = 0;
  for (double v : pnl) total += v;
  return total;
}

Simulator::Simulator(ShockModel model, Book book, std::uint64_t seed)
    : model_(std::move(model)), book_(std::move(book)), seed_(seed) {
  const auto n = static_cast<Eigen::Index>(book_.n_assets());
  exposure_ = book_.linear_exposure();
  for (std::size_t i = 0; i < book_.positions.size(); ++i)
    if (book_.positions[i].option >= 0) option_positions_.push_back(i);
  if (model_.dist == Distribution::kBootstrap) {
    const Eigen::Index w = model_.history.rows();
    if (w < 1 || model_.history.cols() != n) throw KernelError("bootstrap history must be W x n_assets, W >= 1");
    hist_pnl_.resize(w, static_cast<Eigen::Index>(n_positions()));
    hist_loss_.resize(w);
    for (Eigen::Index r = 0; r < w; ++r) {
      const Eigen::VectorXd y = model_.history.row(r).transpose();
      position_pnl(book_, y.data(), hist_pnl_.row(r).data());
      hist_loss_(r) = -hist_pnl_.row(r).sum();
    }
    return;
  }
  if (model_.chol.rows() != n || model_.chol.cols() != n || model_.mean.size() != n)
    throw KernelError("shock model: Cholesky factor and mean must match the book's assets");
  if (model_.dist == Distribution::kStudentT && model_.nu <= 2)
    throw KernelError("Student t shocks need nu > 2 for a finite variance");
  factor_ = PackedFactor(model_.chol);
  chol_exposure_ = model_.chol.transpose() * exposure_;
  mean_pnl_ = model_.mean.dot(exposure_);
  floor_radius_ = std::numeric_limits<double>::infinity();
  for (Eigen::Index a = 0; a < n; ++a) {
    const double row_norm = model_.chol.row(a).norm();
    if (row_norm > 0) floor_radius_ = std::min(floor_radius_, std::max(0.0, 1.0 + model_.mean(a)) / row_norm);
  }
}

void Simulator::losses(std::uint64_t batch, std::uint64_t first, std::size_t count, double* out,
                       SimWorkspace& ws) const {
  for (std::size_t done = 0; done < count; done += kBlockRows) {
    const std::size_t rows = std::min(kBlockRows, count - done);
    simulate_block(batch, first + done, rows, ws);
    std::copy_n(ws.loss.data(), rows, out + done);
  }
}

void Simulator::simulate_block(std::uint64_t batch, std::uint64_t first, std::size_t rows, SimWorkspace& ws) const {
  QG_CHECK(rows <= kBlockRows, "simulate_block: more rows than a block");
  ws.loss.resize(rows);
  if (model_.dist == Distribution::kBootstrap) return bootstrap_block(batch, first, rows, ws);
  const std::size_t n = book_.n_assets();
  ws.z.resize(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(n));
  fill_normals({seed_, batch, kShockStream}, first, rows, n, ws.z.data(), ws.normals);
  draw_scales(batch, first, rows, ws);
  if (book_.linear())
    linear_block(rows, ws);
  else
    full_block(rows, ws);
}

void Simulator::draw_scales(std::uint64_t batch, std::uint64_t first, std::size_t rows, SimWorkspace& ws) const {
  ws.scale.assign(rows, 1.0);
  if (model_.dist != Distribution::kStudentT) return;
  const auto nu = static_cast<std::size_t>(model_.nu);
  ws.chi.resize(rows * nu);
  fill_normals({seed_, batch, kChi2Stream}, first, rows, nu, ws.chi.data(), ws.normals);
  for (std::size_t r = 0; r < rows; ++r) ws.scale[r] = chi_scale(ws.chi.data() + r * nu);
}

double Simulator::chi_scale(const double* chi) const {
  double w = 0;
  for (int k = 0; k < model_.nu; ++k) w += chi[k] * chi[k];
  return std::sqrt((model_.nu - 2.0) / w);
}

void Simulator::linear_block(std::size_t rows, SimWorkspace& ws) const {
  const auto n = static_cast<int>(book_.n_assets());
  cblas_dgemv(CblasRowMajor, CblasNoTrans, static_cast<int>(rows), n, 1.0, ws.z.data(), n, chol_exposure_.data(), 1,
              0.0, ws.loss.data(), 1);
  for (std::size_t r = 0; r < rows; ++r) ws.loss[r] = -(mean_pnl_ + ws.scale[r] * ws.loss[r]);
  // The projection skips Y = mean + s L z, so it cannot floor a shock below -1 (a price below 0).
  // |(L z)_a| <= |row a of L| |z|: rows with s |z| under floor_radius_ cannot reach -1; the rare
  // others form their Y and, when a shock is below -1, take the floored loss.
  const double radius2 = floor_radius_ * floor_radius_;
  for (std::size_t r = 0; r < rows; ++r) {
    const double s = ws.scale[r];
    if (s * s * ws.z.row(static_cast<Eigen::Index>(r)).squaredNorm() < radius2) continue;
    const double floored = floored_loss(r, ws);
    if (!std::isnan(floored)) ws.loss[r] = floored;
  }
}

double Simulator::floored_loss(std::size_t r, SimWorkspace& ws) const {
  const Eigen::VectorXd y =
      model_.mean + ws.scale[r] * (model_.chol * ws.z.row(static_cast<Eigen::Index>(r)).transpose());
  if (y.minCoeff() >= -1.0) return std::numeric_limits<double>::quiet_NaN();
  return -book_pnl(book_, y.data());
}

void Simulator::full_block(std::size_t rows, SimWorkspace& ws) const {
  // Y = Z L^T in place (the triangle only: half the flops of the full product), then Y takes the block's buffer and
  // the old Y's becomes the next block's Z.
  factor_.correlate(rows, ws.z.data(), ws.packed_rows);
  ws.y.swap(ws.z);
  const std::size_t n_opt = option_positions_.size();
  ws.spots.resize(rows * n_opt);
  for (std::size_t r = 0; r < rows; ++r) ws.loss[r] = shock_row(r, ws, rows);
  ws.values.resize(rows);
  for (std::size_t k = 0; k < n_opt; ++k) {
    const auto& p = book_.positions[option_positions_[k]];
    const auto& o = book_.options[static_cast<std::size_t>(p.option)];
    bs_price_block(o.type, ws.spots.data() + k * rows, rows, o.strike, o.expiry - book_.horizon_years, book_.rate,
                   o.vol, ws.values.data());
    for (std::size_t r = 0; r < rows; ++r) ws.loss[r] += p.quantity * (ws.values[r] - o.value0);
  }
  for (std::size_t r = 0; r < rows; ++r) ws.loss[r] = -ws.loss[r];
}

double Simulator::shock_row(std::size_t r, SimWorkspace& ws, std::size_t rows) const {
  Eigen::Map<Eigen::VectorXd> y(ws.y.row(static_cast<Eigen::Index>(r)).data(), ws.y.cols());
  // A price cannot fall below 0: a shock below -1 leaves the asset worthless (position_pnl).
  y = (model_.mean + ws.scale[r] * y).cwiseMax(-1.0);
  for (std::size_t k = 0; k < option_positions_.size(); ++k) {
    const std::size_t a = book_.positions[option_positions_[k]].asset;
    ws.spots[k * rows + r] = book_.prices[a] * (1.0 + y(static_cast<Eigen::Index>(a)));
  }
  return y.dot(exposure_);
}

void Simulator::bootstrap_block(std::uint64_t batch, std::uint64_t first, std::size_t rows, SimWorkspace& ws) const {
  ws.values.resize(rows);
  ws.row_index.resize(rows);
  fill_uniforms({seed_, batch, kIndexStream}, first, rows, ws.values.data());
  const auto w = static_cast<std::uint32_t>(model_.history.rows());
  for (std::size_t r = 0; r < rows; ++r) {
    // u < 1 always, but u * W may round up to W: clamp.
    const auto idx = std::min(static_cast<std::uint32_t>(ws.values[r] * w), w - 1);
    ws.row_index[r] = idx;
    ws.loss[r] = hist_loss_(idx);
  }
}

void Simulator::block_position_pnl(SimWorkspace& ws, std::span<const std::uint32_t> local_rows, double* out) const {
  const std::size_t p = n_positions(), k = local_rows.size();
  if (model_.dist == Distribution::kBootstrap) {
    for (std::size_t i = 0; i < k; ++i) std::copy_n(hist_pnl_.row(ws.row_index[local_rows[i]]).data(), p, out + i * p);
    return;
  }
  const auto n = static_cast<Eigen::Index>(book_.n_assets());
  if (book_.linear() && k > 0) {
    // The fast path never formed Y: form it for the selected rows only (one small product).
    ws.sel_y.resize(static_cast<Eigen::Index>(k), n);
    for (std::size_t i = 0; i < k; ++i) ws.sel_y.row(static_cast<Eigen::Index>(i)) = ws.z.row(local_rows[i]);
    factor_.correlate(k, ws.sel_y.data(), ws.packed_rows);
  }
  Eigen::VectorXd y(n);
  for (std::size_t i = 0; i < k; ++i) {
    const auto r = static_cast<Eigen::Index>(local_rows[i]);
    if (book_.linear())
      y = model_.mean + ws.scale[local_rows[i]] * ws.sel_y.row(static_cast<Eigen::Index>(i)).transpose();
    else
      y = ws.y.row(r).transpose();
    position_pnl(book_, y.data(), out + i * p);
  }
}

void Simulator::scenario_position_pnl(std::uint64_t batch, std::span<const std::uint64_t> rows, double* out,
                                      SimWorkspace& ws) const {
  const std::size_t p = n_positions();
  for (std::size_t done = 0; done < rows.size(); done += kBlockRows) {
    const std::size_t k = std::min(kBlockRows, rows.size() - done);
    regenerate_rows(batch, rows.subspan(done, k), out + done * p, ws);
  }
}

void Simulator::regenerate_rows(std::uint64_t batch, std::span<const std::uint64_t> rows, double* out,
                                SimWorkspace& ws) const {
  const std::size_t p = n_positions(), k = rows.size();
  if (model_.dist == Distribution::kBootstrap) {
    const auto w = static_cast<std::uint32_t>(model_.history.rows());
    double u = 0;
    for (std::size_t i = 0; i < k; ++i) {
      fill_uniforms({seed_, batch, kIndexStream}, rows[i], 1, &u);
      const auto idx = std::min(static_cast<std::uint32_t>(u * w), w - 1);
      std::copy_n(hist_pnl_.row(idx).data(), p, out + i * p);
    }
    return;
  }
  const std::size_t n = book_.n_assets();
  const auto nu = static_cast<std::size_t>(std::max(model_.nu, 0));
  ws.sel_y.resize(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(n));
  ws.scale.assign(k, 1.0);
  ws.chi.resize(nu);
  for (std::size_t i = 0; i < k; ++i) {
    fill_normals({seed_, batch, kShockStream}, rows[i], 1, n, ws.sel_y.row(static_cast<Eigen::Index>(i)).data(),
                 ws.normals);
    if (model_.dist != Distribution::kStudentT) continue;
    fill_normals({seed_, batch, kChi2Stream}, rows[i], 1, nu, ws.chi.data(), ws.normals);
    ws.scale[i] = chi_scale(ws.chi.data());
  }
  factor_.correlate(k, ws.sel_y.data(), ws.packed_rows);
  Eigen::VectorXd y(static_cast<Eigen::Index>(n));
  for (std::size_t i = 0; i < k; ++i) {
    y = model_.mean + ws.scale[i] * ws.sel_y.row(static_cast<Eigen::Index>(i)).transpose();
    position_pnl(book_, y.data(), out + i * p);
  }
}

}  // namespace qg::kernels::var
