// Monte Carlo revaluation against closed forms: for a linear book the loss is exactly normal
// (or variance-matched t) with mean -m.e and variance e'Ce, so the empirical VaR and ES of the
// simulated losses must lie within 4 batch-means standard errors of the parametric formulas.
// Also: the linear fast path equals full revaluation, per-position P&L sums to the loss, and
// components of the parametric breakdown sum to VaR / ES.
#include <gtest/gtest.h>

#include <Eigen/Dense>

#include <cmath>
#include <vector>

#include "qg/kernels/var/parametric.hpp"
#include "qg/kernels/var/simulate.hpp"
#include "qg/kernels/var/tail.hpp"

namespace qg::kernels::var {
namespace {

Eigen::MatrixXd test_cov() {
  Eigen::MatrixXd c(3, 3);
  c << 4e-4, 1e-4, -5e-5, 1e-4, 2.25e-4, 3e-5, -5e-5, 3e-5, 1e-4;
  return c;
}

Book linear_book() {
  Book b;
  b.prices = {100, 50, 20};
  b.positions = {{0, 10, -1}, {1, -4, -1}, {2, 30, -1}};
  return b;
}

ShockModel model(Distribution d, int nu) {
  ShockModel m;
  m.dist = d;
  m.nu = nu;
  m.chol = test_cov().llt().matrixL();
  m.mean = Eigen::VectorXd{{1e-4, -2e-4, 0.0}};
  return m;
}

struct McResult {
  std::vector<double> var, es, var_se, es_se;
};

// 16 batches of 16384 scenarios; standard errors by batch means as in the var job.
McResult simulate(const Simulator& sim, const std::vector<double>& levels) {
  constexpr std::size_t kBatches = 16, kRows = 16384;
  SimWorkspace ws;
  std::vector<double> all, batch(kRows);
  std::vector<std::vector<double>> bvar(levels.size()), bes(levels.size());
  for (std::size_t b = 0; b < kBatches; ++b) {
    sim.losses(b, 0, kRows, batch.data(), ws);
    all.insert(all.end(), batch.begin(), batch.end());
    for (std::size_t l = 0; l < levels.size(); ++l) {
      bvar[l].push_back(empirical_var(batch, levels[l]));
      bes[l].push_back(empirical_es(batch, levels[l]));
    }
  }
  McResult r;
  for (std::size_t l = 0; l < levels.size(); ++l) {
    r.var.push_back(empirical_var(all, levels[l]));
    r.es.push_back(empirical_es(all, levels[l]));
    double sv = 0, se = 0;
    for (std::size_t b = 0; b < kBatches; ++b) {
      sv += std::pow(bvar[l][b] - r.var[l], 2);
      se += std::pow(bes[l][b] - r.es[l], 2);
    }
    r.var_se.push_back(std::sqrt(sv / (kBatches - 1) / kBatches));
    r.es_se.push_back(std::sqrt(se / (kBatches - 1) / kBatches));
  }
  return r;
}

void expect_within_4se(Distribution d, int nu) {
  const Book book = linear_book();
  const Simulator sim(model(d, nu), book, 2024);
  const std::vector<double> levels = {0.95, 0.975, 0.99};
  const McResult mc = simulate(sim, levels);
  const Eigen::VectorXd e = book.linear_exposure();
  const double mu = model(d, nu).mean.dot(e), sigma = std::sqrt(e.dot(test_cov() * e));
  for (std::size_t l = 0; l < levels.size(); ++l) {
    const Multipliers m = d == Distribution::kStudentT ? t_multipliers(levels[l], nu) : normal_multipliers(levels[l]);
    EXPECT_NEAR(mc.var[l], -mu + sigma * m.k_var, 4 * mc.var_se[l]) << levels[l];
    EXPECT_NEAR(mc.es[l], -mu + sigma * m.k_es, 4 * mc.es_se[l]) << levels[l];
    EXPECT_GT(mc.var_se[l], 0);
  }
}

TEST(VarSimulate, NormalVarAndEsWithin4StandardErrorsOfClosedForm) { expect_within_4se(Distribution::kNormal, 0); }
TEST(VarSimulate, StudentTVarAndEsWithin4StandardErrorsOfClosedForm) { expect_within_4se(Distribution::kStudentT, 5); }

TEST(VarSimulate, LinearFastPathEqualsFullRevaluation) {
  Book with_option = linear_book();
  with_option.options.push_back({0, OptionType::kCall, 100, 0.2, 0.3, 0.0});
  with_option.positions.push_back({0, 0.0, 0});  // zero quantity: forces the full path, adds nothing
  const Simulator fast(model(Distribution::kStudentT, 6), linear_book(), 9);
  const Simulator full(model(Distribution::kStudentT, 6), with_option, 9);
  SimWorkspace a, b;
  std::vector<double> la(5000), lb(5000);
  fast.losses(2, 10, 5000, la.data(), a);
  full.losses(2, 10, 5000, lb.data(), b);
  for (std::size_t i = 0; i < la.size(); ++i) ASSERT_NEAR(la[i], lb[i], 1e-12 * std::max(1.0, std::fabs(la[i])));
}

TEST(VarSimulate, PositionPnlSumsToTheLossWithOptions) {
  Book book = linear_book();
  book.options.push_back({2, OptionType::kPut, 21, 0.25, 0.35, 0.0});
  book.options[0].value0 = bs_price(OptionType::kPut, 20, 21, 0.25, 0.0, 0.35);
  book.positions.push_back({2, 50, 0});
  book.horizon_years = 1.0 / 252;
  for (Distribution d : {Distribution::kNormal, Distribution::kStudentT}) {
    const Simulator sim(model(d, 4), book, 5);
    SimWorkspace ws;
    sim.simulate_block(0, 0, 1000, ws);
    std::vector<std::uint32_t> rows = {0, 17, 999};
    std::vector<double> pnl(rows.size() * 4);
    sim.block_position_pnl(ws, rows, pnl.data());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const double total = pnl[i * 4] + pnl[i * 4 + 1] + pnl[i * 4 + 2] + pnl[i * 4 + 3];
      EXPECT_NEAR(-total, ws.loss[rows[i]], 1e-10);
    }
  }
}

// A scenario regenerated alone from its id (Philox jumps to it) has the per-position P&L it had
// in its block; only the rounding of the block's vectorised math may differ.
TEST(VarSimulate, ScenarioRegeneratedByIdMatchesItsBlock) {
  Book book = linear_book();
  book.options.push_back({2, OptionType::kPut, 21, 0.25, 0.35, 0.0});
  book.options[0].value0 = bs_price(OptionType::kPut, 20, 21, 0.25, 0.0, 0.35);
  book.positions.push_back({2, 50, 0});
  book.horizon_years = 1.0 / 252;
  ShockModel boot;
  boot.dist = Distribution::kBootstrap;
  boot.history = Eigen::MatrixXd::Random(7, 3) * 0.02;
  const std::vector<std::pair<ShockModel, Book>> cases = {{model(Distribution::kNormal, 0), linear_book()},
                                                          {model(Distribution::kStudentT, 4), book},
                                                          {model(Distribution::kNormal, 0), book},
                                                          {boot, book}};
  for (const auto& [m, b] : cases) {
    const Simulator sim(m, b, 5);
    const std::size_t p = b.positions.size();
    SimWorkspace ws, ws2;
    sim.simulate_block(3, 4096, 1000, ws);
    const std::vector<std::uint32_t> local = {999, 0, 17, 500};
    std::vector<double> block(local.size() * p), alone(local.size() * p);
    sim.block_position_pnl(ws, local, block.data());
    const std::vector<std::uint64_t> ids = {4096 + 999, 4096, 4096 + 17, 4096 + 500};
    sim.scenario_position_pnl(3, ids, alone.data(), ws2);
    for (std::size_t i = 0; i < block.size(); ++i)
      EXPECT_NEAR(alone[i], block[i], 1e-12 * std::max(1.0, std::fabs(block[i]))) << i;
  }
}

// A price cannot go below 0. linear_book(): 10 x 100, -4 x 50, 30 x 20. Under shocks
// (-1.7, -2.5, 3): the long of asset 0 loses its value 10*100 = 1000, not 1700; the short of
// asset 1 gains at most its value 4*50 = 200, not 500; the long of asset 2 gains 30*20*3 = 1800
// (no cap on a rise). Total 1000.
TEST(VarSimulate, ShockBelowMinusOneLeavesTheAssetWorthless) {
  const Book b = linear_book();
  const std::vector<double> y = {-1.7, -2.5, 3.0};
  std::vector<double> pnl(3);
  position_pnl(b, y.data(), pnl.data());
  EXPECT_EQ(pnl, (std::vector<double>{-1000.0, 200.0, 1800.0}));
  EXPECT_EQ(book_pnl(b, y.data()), 1000.0);
  const std::vector<double> exactly_minus_one = {-1.0, 0.0, 0.0};  // the boundary: worthless, as at -1.7
  position_pnl(b, exactly_minus_one.data(), pnl.data());
  EXPECT_EQ(pnl[0], -1000.0);
}

// The simulated paths floor shocks at -1 as position_pnl does. With daily vols of 40-60% many
// scenarios draw a shock below -1; the plain loop forms each row's Y = mean + s L z from the
// block's normals and sums the floored per-position P&L. The linear fast path (projection)
// and full revaluation (a book with an option, whose linear positions go through Y) both agree.
TEST(VarSimulate, SimulatedShocksBelowMinusOneAreFloored) {
  ShockModel wild = model(Distribution::kStudentT, 4);
  wild.chol = (test_cov() * 900.0).llt().matrixL();  // sd 0.6, 0.45, 0.3 per horizon
  Book with_option = linear_book();
  with_option.options.push_back({2, OptionType::kCall, 20, 0.25, 0.35, 0.0});
  with_option.options[0].value0 = bs_price(OptionType::kCall, 20, 20, 0.25, 0.0, 0.35);
  with_option.positions.push_back({2, 5, 0});
  with_option.horizon_years = 1.0 / 252;
  for (const Book& book : {linear_book(), with_option}) {
    const Simulator sim(wild, book, 11);
    SimWorkspace ws;
    sim.simulate_block(2, 0, 4096, ws);
    // The block's normals, drawn again from their counters (full revaluation reuses ws.z's buffer).
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> z(4096, 3);
    NormalScratch scratch;
    fill_normals({11, 2, kShockStream}, 0, 4096, 3, z.data(), scratch);
    int floored = 0;
    for (std::size_t r = 0; r < 4096; ++r) {
      Eigen::VectorXd y = wild.mean + ws.scale[r] * (wild.chol * z.row(static_cast<Eigen::Index>(r)).transpose());
      floored += y.minCoeff() < -1.0;
      std::vector<double> pnl(book.positions.size());
      position_pnl(book, y.data(), pnl.data());
      double loss = 0;
      for (double v : pnl) loss -= v;
      ASSERT_NEAR(ws.loss[r], loss, 1e-9 * std::max(1.0, std::fabs(loss))) << "row " << r;
    }
    EXPECT_GT(floored, 100);  // the case is exercised
  }
}

TEST(VarSimulate, BootstrapDrawsHistoryRows) {
  ShockModel m;
  m.dist = Distribution::kBootstrap;
  m.history = Eigen::MatrixXd::Zero(4, 3);
  for (int r = 0; r < 4; ++r) m.history(r, 0) = 0.01 * (r + 1);
  const Simulator sim(m, linear_book(), 3);
  SimWorkspace ws;
  std::vector<double> loss(4000);
  sim.losses(0, 0, 4000, loss.data(), ws);
  int counts[4] = {0, 0, 0, 0};
  for (double l : loss) {
    const int r = static_cast<int>(std::lround(-l / 10.0)) - 1;  // loss = -10 * 100 * 0.01 (r + 1)
    ASSERT_GE(r, 0);
    ASSERT_LT(r, 4);
    ++counts[r];
  }
  for (int c : counts) EXPECT_NEAR(c, 1000, 150);
}

TEST(VarParametric, ComponentsSumToVarAndEs) {
  const Eigen::MatrixXd c = test_cov();
  const Eigen::VectorXd mean = Eigen::VectorXd{{1e-4, -2e-4, 0.0}};
  const auto b = parametric_breakdown(c, mean, {0, 1, 2, 0}, {1000, -200, 600, 150}, t_multipliers(0.99, 5));
  double sv = 0, se = 0;
  for (double v : b.component_var) sv += v;
  for (double v : b.component_es) se += v;
  EXPECT_NEAR(sv, b.var, 1e-10);
  EXPECT_NEAR(se, b.es, 1e-10);
  // Incremental by brute force: drop position 1 (asset 1, -200).
  const auto without = parametric_breakdown(c, mean, {0, 2, 0}, {1000, 600, 150}, t_multipliers(0.99, 5));
  EXPECT_NEAR(b.incremental_var[1], b.var - without.var, 1e-10);
}

TEST(VarParametric, TMultipliersApproachNormalForLargeNu) {
  const auto t = t_multipliers(0.99, 1000), n = normal_multipliers(0.99);
  EXPECT_NEAR(t.k_var, n.k_var, 1e-2);
  EXPECT_NEAR(t.k_es, n.k_es, 1e-2);
  // Variance-matched t(5) at 99%: s t_a = sqrt(3/5) * 3.3649299989 = 2.6064...
  EXPECT_NEAR(t_multipliers(0.99, 5).k_var, std::sqrt(0.6) * 3.3649299989072747, 1e-10);
}

}  // namespace
}  // namespace qg::kernels::var
