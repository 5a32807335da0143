// Data-parallel fits with every block in one process (LocalBlockReduction) against the
// single-process fits (fit_scaler + fit_ridge / fit_logistic) and against plain-loop
// references: ridge by hand-standardised features and fit_ridge_ref; logistic by its optimality
// condition (the penalised gradient, summed by loops, vanishes). The same fits split across 1, 2
// and 3 processes are tested in tests/coordinator (threads, MPI). Also the `fit:` spec section
// and the train job's refit with `fit: {data_parallel: true}`.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <random>
#include <string>

#include "qg/core/error.hpp"
#include "qg/kernels/ml/linear_model.hpp"
#include "qg/kernels/ml/standardize.hpp"
#include "qg/kernels/synthetic.hpp"
#include "train/data_parallel_fit.hpp"
#include "train/train_job.hpp"
#include "train/train_spec.hpp"

namespace qg::jobs {
namespace {

namespace ml = kernels::ml;

//! n x p features with unequal means and scales (column j: mean j, sd 1 + j / 2).
Eigen::MatrixXd features(std::uint32_t seed, Eigen::Index n, Eigen::Index p) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z(0.0, 1.0);
  Eigen::MatrixXd x(n, p);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < p; ++j)
      x(i, j) = static_cast<double>(j) + (1.0 + 0.5 * static_cast<double>(j)) * z(rng);
  return x;
}

//! Targets y = sum_j (x_ij - j) (j + 1) / p + noise; labels 1 where y > 0.
Eigen::VectorXd targets(const Eigen::MatrixXd& x, std::uint32_t seed, bool labels) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z(0.0, 1.0);
  Eigen::VectorXd y(x.rows());
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    double v = z(rng);
    for (Eigen::Index j = 0; j < x.cols(); ++j)
      v += (x(i, j) - static_cast<double>(j)) * static_cast<double>(j + 1) / static_cast<double>(x.cols());
    y(i) = labels ? (v > 0 ? 1.0 : 0.0) : v;
  }
  return y;
}

double relative(double a, double b) { return std::fabs(a - b) / std::max(1.0, std::fabs(b)); }

void expect_same_model(const TrainedModel& a, const TrainedModel& b, double tol) {
  ASSERT_EQ(a.fit.coef.size(), b.fit.coef.size());
  for (Eigen::Index j = 0; j < a.fit.coef.size(); ++j) {
    EXPECT_LE(relative(a.fit.coef(j), b.fit.coef(j)), tol) << "coef " << j;
    EXPECT_LE(relative(a.scaler.mean(j), b.scaler.mean(j)), tol) << "mean " << j;
    EXPECT_LE(relative(a.scaler.scale(j), b.scaler.scale(j)), tol) << "scale " << j;
  }
  EXPECT_LE(relative(a.fit.intercept, b.fit.intercept), tol);
}

TrainedModel single_process(Eigen::MatrixXd x, const Eigen::VectorXd& y, bool logistic, double param) {
  TrainedModel m;
  m.scaler = ml::fit_scaler(x);
  ml::apply_scaler(m.scaler, x);
  m.fit = logistic ? ml::fit_logistic(x, y, param) : ml::fit_ridge(x, y, param);
  return m;
}

TEST(DataParallelFit, ShardsAreContiguousBlockRuns) {
  // 1000 rows: 64 blocks of 16 or 15 rows (the first 40 hold 16); 3 ranks: blocks 0-20, 21-41, 42-63.
  const RowShard a = shard_of(1000, 0, 3), b = shard_of(1000, 1, 3), c = shard_of(1000, 2, 3);
  EXPECT_EQ(a.first_block, 0);
  EXPECT_EQ(a.last_block, 21);
  EXPECT_EQ(b.first_block, 21);
  EXPECT_EQ(c.last_block, 64);
  EXPECT_EQ(a.rows(), 21 * 16);
  EXPECT_EQ(b.first_row(), 21 * 16);
  EXPECT_EQ(b.rows(), 19 * 16 + 2 * 15);
  EXPECT_EQ(c.first_row() + c.rows(), 1000);
  const RowShard idle = shard_of(2, 0, 3);  // 2 rows, 2 blocks: blocks [0, 0), [0, 1), [1, 2)
  EXPECT_EQ(idle.rows(), 0);
}

TEST(DataParallelFit, RidgeEqualsSingleProcessAndPlainLoops) {
  const Eigen::MatrixXd x = features(1, 2000, 9);
  const Eigen::VectorXd y = targets(x, 2, false);
  for (double alpha : {0.0, 3.0, 1e4}) {
    LocalBlockReduction local;
    const TrainedModel dp = fit_ridge_data_parallel(x, y, shard_of(x.rows(), 0, 1), alpha, local);
    expect_same_model(dp, single_process(x, y, false, alpha), 1e-10);
    // plain loops: standardise by hand (population sd), then fit_ridge_ref
    Eigen::MatrixXd xs = x;
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      double s = 0, ss = 0;
      for (Eigen::Index i = 0; i < x.rows(); ++i) s += x(i, j);
      const double mean = s / static_cast<double>(x.rows());
      for (Eigen::Index i = 0; i < x.rows(); ++i) ss += (x(i, j) - mean) * (x(i, j) - mean);
      for (Eigen::Index i = 0; i < x.rows(); ++i) xs(i, j) = (x(i, j) - mean) / std::sqrt(ss / 2000.0);
    }
    const ml::LinearFit ref = ml::fit_ridge_ref(xs, y, alpha);
    for (Eigen::Index j = 0; j < x.cols(); ++j) EXPECT_LE(relative(dp.fit.coef(j), ref.coef(j)), 1e-10);
    EXPECT_LE(relative(dp.fit.intercept, ref.intercept), 1e-10);
  }
}

TEST(DataParallelFit, LogisticEqualsSingleProcessAndIsOptimal) {
  const Eigen::MatrixXd x = features(3, 3000, 7);
  const Eigen::VectorXd y = targets(x, 4, true);
  for (double c : {0.01, 1.0, 100.0}) {
    Eigen::MatrixXd xs = x;
    LocalBlockReduction local;
    const TrainedModel dp = fit_logistic_data_parallel(xs, y, shard_of(x.rows(), 0, 1), c, local);
    ASSERT_TRUE(dp.fit.converged);
    EXPECT_LE(dp.fit.gradient_norm, ml::kRelativeTolerance);
    expect_same_model(dp, single_process(x, y, true, c), 1e-10);
    // optimality by loops: C sum (s_i - y_i) x_ij + b_j = 0 and sum (s_i - y_i) = 0, to the
    // solver's tolerance relative to the gradient at b = 0 (with some room for rounding)
    std::vector<double> g(8, 0.0), g0(8, 0.0);
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      double u = dp.fit.intercept;
      for (Eigen::Index j = 0; j < 7; ++j) u += dp.fit.coef(j) * xs(i, j);
      const double r = 1.0 / (1.0 + std::exp(-u)) - y(i);
      for (Eigen::Index j = 0; j < 8; ++j) {
        const double xij = j < 7 ? xs(i, j) : 1.0;
        g[static_cast<std::size_t>(j)] += c * r * xij;
        g0[static_cast<std::size_t>(j)] += c * (0.5 - y(i)) * xij;
      }
    }
    double norm0 = 0;
    for (double v : g0) norm0 += v * v;
    for (Eigen::Index j = 0; j < 8; ++j) {
      const double penalty = j < 7 ? dp.fit.coef(j) : 0.0;
      EXPECT_LE(std::fabs(g[static_cast<std::size_t>(j)] + penalty), 1e-9 * std::sqrt(norm0)) << j;
    }
  }
}

TEST(DataParallelFit, RefusesAShardOfTheWrongSize) {
  const Eigen::MatrixXd x = features(5, 100, 3);
  const Eigen::VectorXd y = targets(x, 6, false);
  LocalBlockReduction local;
  EXPECT_THROW(fit_ridge_data_parallel(x, y, shard_of(100, 0, 2), 1.0, local), KernelError);
}

std::string spec_with(const std::string& model, const std::string& fit) {
  return "job: train\nname: t\ndata: {file: d.h5}\nfeatures:\n  - {kind: lagged_returns, lags: 3}\n"
         "  - {kind: volatility, window: 5}\ntarget: next_up\nmodel: " +
         model + "\ncv: {kind: time_series, n_splits: 3}\nscoring: log_loss\n" + fit;
}

void expect_error(const std::string& text, const std::string& needle) {
  try {
    parse_train_spec(text, "t.yaml");
    ADD_FAILURE() << "no error for: " << needle;
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(DataParallelFit, FitSection) {
  const std::string logistic = "{kind: logistic, params: {C: [0.1, 1]}}";
  EXPECT_FALSE(parse_train_spec(spec_with(logistic, ""), "t.yaml").fit.data_parallel);
  EXPECT_TRUE(parse_train_spec(spec_with(logistic, "fit: {data_parallel: true}\n"), "t.yaml").fit.data_parallel);
  expect_error(spec_with(logistic, "fit: {data_parallel: 2}\n"), "t.yaml:11: fit.data_parallel: must be true or false");
  expect_error(spec_with(logistic, "fit: {shards: 2}\n"), "t.yaml:11: fit.shards: unknown key");
  expect_error(spec_with(logistic, "fit: true\n"), "t.yaml:11: fit:");
  expect_error(
      "job: train\nname: t\ndata: {file: d.h5}\nfeatures:\n  - {kind: lagged_returns, lags: 3}\n"
      "model: {kind: elastic_net, params: {alpha: 1}}\nfit: {data_parallel: true}\n",
      "t.yaml:7: fit.data_parallel: a data-parallel fit takes a ridge or logistic model");
}

std::shared_ptr<const MarketData> one_symbol(std::int64_t n_bars) {
  auto data = std::make_shared<MarketData>();
  const auto bars = kernels::generate_bars(11, 0, n_bars);
  SymbolBars sym{"SYN", {}, bars.open, bars.high, bars.low, bars.close, bars.volume};
  for (std::int64_t t = 0; t < n_bars; ++t) sym.date.push_back(static_cast<std::int32_t>(20000000 + t));
  data->symbols.push_back(std::move(sym));
  return data;
}

// The refit record (task K of stage 1) and every fold's record agree with the single-process
// job's to 1e-10 relative.
TEST(DataParallelFit, TrainJobRecordsMatchSingleProcess) {
  const auto data = one_symbol(600);
  const std::string model = "{kind: logistic, params: {C: [0.1, 10]}}";
  const TrainJob one(parse_train_spec(spec_with(model, ""), "t.yaml"), data);
  const TrainJob dp(parse_train_spec(spec_with(model, "fit: {data_parallel: true}\n"), "t.yaml"), data);
  const std::vector<double> input = {1.0};
  std::vector<double> a, b;
  for (std::uint64_t task = 0; task < one.num_tasks(1, input); ++task) {
    one.run_task(1, input, task, a);
    dp.run_task(1, input, task, b);
    ASSERT_EQ(a.size(), b.size());
    const std::size_t checked = task == one.n_splits() ? a.size() - 2 : a.size();  // not iterations, gradient
    for (std::size_t k = 0; k < checked; ++k) EXPECT_LE(relative(b[k], a[k]), 1e-10) << task << ":" << k;
  }
}

}  // namespace
}  // namespace qg::jobs
