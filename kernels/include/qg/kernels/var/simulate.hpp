#pragma once
// Monte Carlo revaluation of a book under simulated shocks.
//
// A shock is a vector y of simple returns over the horizon, one per asset. Normal shocks are
// y = mu + L z (z standard normal, L L^T the horizon covariance); variance-matched Student t
// shocks are y = mu + sqrt((nu - 2) / w) L z with w ~ chi-square(nu), the sum of nu squared
// normals from a separate stream; bootstrap shocks are rows of a historical matrix drawn
// uniformly. A book's P&L under y is, per position: a linear holding of q in an asset with
// last price p earns q p y_a; an option is repriced by Black-Scholes at spot p (1 + y_a) with
// its expiry shortened by the horizon, and earns q (V' - V0). Loss = -P&L.
//
// A batch is simulated in blocks of kBlockRows scenarios: normals for the block, then
// Y = Z L^T (the blocked triangular product with L packed once, packed_factor.hpp), then revaluation. A purely
// linear book takes the fast path: its P&L is e . y = mu . e + scale * z . (L^T e), a DGEMV with the precomputed
// vector L^T e, so neither Y nor a per-position loop is formed.
#include <Eigen/Core>

#include <cstdint>
#include <span>
#include <vector>

#include "qg/kernels/var/black_scholes.hpp"
#include "qg/kernels/var/normals.hpp"
#include "qg/kernels/var/packed_factor.hpp"

namespace qg::kernels::var {

enum class Distribution : std::uint8_t { kNormal, kStudentT, kBootstrap };

//! A European option position.
struct OptionLeg {
  std::size_t asset = 0;
  OptionType type = OptionType::kCall;
  double strike = 0;
  double expiry = 0;  // years to expiry today
  double vol = 0;     // annual Black-Scholes volatility
  double value0 = 0;  // today's price (per unit)
};

//! One position of a book: a linear holding (option < 0) or options[option].
struct BookPosition {
  std::size_t asset = 0;
  double quantity = 0;
  int option = -1;
};

//! A book compiled against an asset list.
struct Book {
  std::vector<double> prices;  // last price per asset
  std::vector<BookPosition> positions;
  std::vector<OptionLeg> options;
  double rate = 0;           // continuously compounded, annual
  double horizon_years = 0;  // by which option expiries shorten

  std::size_t n_assets() const { return prices.size(); }
  bool linear() const { return options.empty(); }
  //! Sum over linear positions of q * p, per asset.
  Eigen::VectorXd linear_exposure() const;
  //! d P&L / d y per asset: linear exposures plus q * delta * p of each option (delta-normal).
  Eigen::VectorXd delta_exposure() const;
};

//! P&L of each position under the shock vector y (n_assets simple returns), written to pnl.
//! A shock below -1 leaves the asset worthless: a linear holding earns q p max(y_a, -1), an
//! option is repriced at spot 0.
void position_pnl(const Book& book, const double* y, double* pnl);
//! Total P&L of the book under y.
double book_pnl(const Book& book, const double* y);

//! The shock distribution of the simulation.
struct ShockModel {
  Distribution dist = Distribution::kNormal;
  int nu = 0;               // Student t degrees of freedom (integer > 2)
  Eigen::MatrixXd chol;     // lower L, horizon covariance = L L^T
  Eigen::VectorXd mean;     // horizon mean shock
  Eigen::MatrixXd history;  // bootstrap rows (W x n_assets horizon shocks)
};

//! Scenarios per revaluation block: the block's normals stay in L2 for small books.
inline constexpr std::size_t kBlockRows = 4096;

//! Per-thread buffers of a Simulator. After a block, y holds its shocks (full revaluation, whose
//! in-place product leaves z's buffer to the next block) or z its normals (linear fast path).
struct SimWorkspace {
  NormalScratch normals;
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> z, y, sel_y;
  std::vector<double> scale, chi, spots, values, loss;
  std::vector<double> packed_rows;       // PackedFactor::correlate's scratch
  std::vector<std::uint32_t> row_index;  // bootstrap rows
};

//! Simulates scenario losses of one book under one shock model. Thread-safe (const).
class Simulator {
 public:
  Simulator(ShockModel model, Book book, std::uint64_t seed);

  const Book& book() const { return book_; }
  const ShockModel& model() const { return model_; }
  std::size_t n_positions() const { return book_.positions.size(); }

  //! Losses of scenarios [first, first + rows) of `batch` into ws.loss; rows <= kBlockRows.
  //! The block's draws stay in `ws` for block_position_pnl.
  void simulate_block(std::uint64_t batch, std::uint64_t first, std::size_t rows, SimWorkspace& ws) const;
  //! Per-position P&L (row-major, local_rows.size() x n_positions) of rows of the last block.
  void block_position_pnl(SimWorkspace& ws, std::span<const std::uint32_t> local_rows, double* out) const;
  //! Per-position P&L (row-major, rows.size() x n_positions) of scenarios `rows` of `batch`
  //! (indices within the batch, any order), regenerated from their counters alone: Philox jumps
  //! to each scenario, so no other scenario of the batch is simulated. Agrees with
  //! block_position_pnl of the same scenarios to rounding (the vectorised math of a block).
  void scenario_position_pnl(std::uint64_t batch, std::span<const std::uint64_t> rows, double* out,
                             SimWorkspace& ws) const;
  //! Losses of scenarios [first, first + count) of `batch`, block by block.
  void losses(std::uint64_t batch, std::uint64_t first, std::size_t count, double* out, SimWorkspace& ws) const;

 private:
  void draw_scales(std::uint64_t batch, std::uint64_t first, std::size_t rows, SimWorkspace& ws) const;
  void linear_block(std::size_t rows, SimWorkspace& ws) const;
  //! Loss of block row `r` with every shock floored at -1, or NaN when no shock of the row is
  //! below -1 (the projected loss is then exact).
  double floored_loss(std::size_t r, SimWorkspace& ws) const;
  void full_block(std::size_t rows, SimWorkspace& ws) const;
  //! Row r of a full-revaluation block in one pass while it is in cache: Y's row becomes the
  //! floored shocks mean + s y, each option's spot goes to ws.spots (option-major, `rows` per
  //! option), and the linear positions' P&L (the row . exposure) is returned.
  double shock_row(std::size_t r, SimWorkspace& ws, std::size_t rows) const;
  void bootstrap_block(std::uint64_t batch, std::uint64_t first, std::size_t rows, SimWorkspace& ws) const;
  //! Student t mixing scale sqrt((nu - 2) / w) of one scenario from its chi-square normals.
  double chi_scale(const double* chi) const;
  //! scenario_position_pnl for at most kBlockRows scenarios.
  void regenerate_rows(std::uint64_t batch, std::span<const std::uint64_t> rows, double* out, SimWorkspace& ws) const;

  ShockModel model_;
  Book book_;
  std::uint64_t seed_;
  PackedFactor factor_;                        // L^T packed for the correlated draw
  Eigen::VectorXd exposure_;                   // linear exposure per asset
  std::vector<std::size_t> option_positions_;  // indices of the option positions, in book order
  Eigen::VectorXd chol_exposure_;              // L^T exposure (linear fast path)
  double mean_pnl_ = 0;                        // mean . exposure
  //! No asset's shock can fall below -1 in a scenario with scale * |z| below this radius:
  //! min over assets of (1 + mean_a) / |row a of L| (linear fast path; 0 when a mean is <= -1).
  double floor_radius_ = 0;
  Eigen::VectorXd hist_loss_;  // bootstrap: loss of each history row
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> hist_pnl_;  // its per-position P&L
};

}  // namespace qg::kernels::var
