// The train job against a brute-force reference written here with plain loops over the
// kernels' reference pieces (compute_features_ref, fit_ridge_ref): every fold's scores, the
// selection, the out-of-fold predictions and the refitted model; CPCV path bookkeeping; the
// NumPy-exact grids; located spec errors; and failed tasks.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <variant>

#include "fake_run_file.hpp"
#include "staged_run.hpp"
#include "qg/core/error.hpp"
#include "qg/kernels/ml/bootstrap.hpp"
#include "qg/kernels/ml/features.hpp"
#include "qg/kernels/ml/linear_model.hpp"
#include "qg/kernels/synthetic.hpp"
#include "train/train_job.hpp"
#include "train/train_reducer.hpp"

namespace qg::jobs {
namespace {

namespace ml = kernels::ml;

std::string spec_text(const std::string& model, const std::string& cv, const std::string& extra = "") {
  return "job: train\nname: t\ndata: {file: d.h5}\nfeatures:\n  - {kind: lagged_returns, lags: 3}\n"
         "  - {kind: volatility, window: 5}\n  - {kind: zscore, window: 10}\n"
         "model: " +
         model + "\ncv: " + cv + "\n" + extra;
}

std::shared_ptr<const MarketData> one_symbol(std::int64_t n_bars, std::uint64_t seed = 7) {
  auto data = std::make_shared<MarketData>();
  const auto bars = kernels::generate_bars(seed, 0, n_bars);
  SymbolBars sym{"SYN", {}, bars.open, bars.high, bars.low, bars.close, bars.volume};
  for (std::int64_t t = 0; t < n_bars; ++t) sym.date.push_back(static_cast<std::int32_t>(20000000 + t));
  data->symbols.push_back(std::move(sym));
  return data;
}

testing::FakeRunFile run(const Job& job) { return testing::run_stages(job); }

using testing::attr;

std::size_t column(const testing::FakeTable& t, const std::string& name) {
  for (std::size_t c = 0; c < t.columns.size(); ++c)
    if (t.columns[c].name == name) return c;
  ADD_FAILURE() << "no column " << name;
  return 0;
}

//! Plain-loop ridge on samples [a, b) and [c, d) of the reference features: standardise by
//! loops (population sd), fit with fit_ridge_ref, return the fit and the scaler.
struct RefModel {
  std::vector<double> mean, sd;
  ml::LinearFit fit;
  double predict(const Eigen::MatrixXd& x, Eigen::Index i) const {
    double v = fit.intercept;
    for (Eigen::Index j = 0; j < x.cols(); ++j)
      v += fit.coef(j) * (x(i, j) - mean[static_cast<std::size_t>(j)]) / sd[static_cast<std::size_t>(j)];
    return v;
  }
};

RefModel ref_ridge(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const std::vector<Eigen::Index>& rows,
                   double alpha) {
  RefModel m;
  const auto p = x.cols();
  const auto n = static_cast<double>(rows.size());
  for (Eigen::Index j = 0; j < p; ++j) {
    double s = 0, ss = 0;
    for (auto i : rows) s += x(i, j);
    for (auto i : rows) ss += (x(i, j) - s / n) * (x(i, j) - s / n);
    m.mean.push_back(s / n);
    m.sd.push_back(ss > 0 ? std::sqrt(ss / n) : 1.0);
  }
  Eigen::MatrixXd xs(static_cast<Eigen::Index>(rows.size()), p);
  Eigen::VectorXd ys(xs.rows());
  for (Eigen::Index r = 0; r < xs.rows(); ++r) {
    const auto i = rows[static_cast<std::size_t>(r)];
    ys(r) = y(i);
    for (Eigen::Index j = 0; j < p; ++j)
      xs(r, j) = (x(i, j) - m.mean[static_cast<std::size_t>(j)]) / m.sd[static_cast<std::size_t>(j)];
  }
  m.fit = ml::fit_ridge_ref(xs, ys, alpha);
  return m;
}

TEST(TrainSpec, NumpyGridsAndDefaults) {
  // numpy.logspace(-2, 2, 5) = 0.01, 0.1, 1, 10, 100; numpy.linspace(0, 1, 5) = 0, .25, .5, .75, 1.
  const auto log = numpy_logspace(0.01, 100, 5);
  const std::vector<double> want = {0.01, 0.1, 1, 10, 100};
  for (std::size_t i = 0; i < 5; ++i) EXPECT_NEAR(log[i], want[i], 1e-15 * want[i]);
  EXPECT_EQ(numpy_linspace(0, 1, 5), (std::vector<double>{0, .25, .5, .75, 1}));
  EXPECT_EQ(numpy_linspace(3, 9, 1), (std::vector<double>{3}));
  const TrainSpec s = parse_train_spec(spec_text("{kind: elastic_net, params: {alpha: [0.1, 1]}}",
                                                 "{kind: purged_kfold}", "target: {kind: next_return, horizon: 3}\n"),
                                       "t.yaml");
  EXPECT_EQ(s.grid.size(), 2u);
  EXPECT_EQ(s.grid.axes[1].name, "l1_ratio");
  EXPECT_EQ(s.grid.set(1)[1], 0.5);
  EXPECT_EQ(s.cv.purge, 3);  // defaults to the horizon
  EXPECT_EQ(s.cv.n_splits, 5);
  EXPECT_EQ(s.scoring, "mse");
  const TrainSpec g = parse_train_spec(
      spec_text("{kind: elastic_net, params: {alpha: [1, 2], l1_ratio: [0.2, 0.8]}}", "{kind: time_series}"), "t.yaml");
  // The last parameter turns fastest: (1, .2), (1, .8), (2, .2), (2, .8).
  EXPECT_EQ(g.grid.values, (std::vector<double>{1, .2, 1, .8, 2, .2, 2, .8}));
}

void expect_error(const std::string& text, const std::string& needle) {
  try {
    parse_train_spec(text, "t.yaml");
    ADD_FAILURE() << "no error for: " << needle;
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(TrainSpec, LocatedErrors) {
  expect_error(spec_text("{kind: ridge, params: {alpha: -1}}", "{kind: time_series}"),
               "t.yaml:8: model.params.alpha: every value must be >= 0");
  expect_error(spec_text("{kind: lasso, params: {alpha: 1}}", "{kind: time_series}"),
               "t.yaml:8: model.kind: unknown model 'lasso'");
  expect_error(spec_text("{kind: logistic, params: {C: 1}}", "{kind: time_series}"),
               "t.yaml:8: model: a logistic model needs the 0/1 target next_up");
  expect_error(spec_text("{kind: ridge, params: {alpha: 1}}", "{kind: time_series}", "scoring: roc_auc\n"),
               "t.yaml:10: scoring: 'roc_auc' does not score a ridge model");
  expect_error(spec_text("{kind: ridge, params: {alpha: 1}}", "{kind: time_series}",
                         "ensemble: {members: 3, bootstrap: iid, block_size: 5}\n"),
               "t.yaml:10: ensemble.bootstrap: unknown bootstrap 'iid'");
  expect_error(spec_text("{kind: ridge, params: {alpha: 1}}", "{kind: kfold}"),
               "t.yaml:9: cv.kind: unknown cross-validation 'kfold'");
  expect_error(spec_text("{kind: ridge, params: {alpha: 1}}", "{kind: time_series, embargo: 3}"),
               "t.yaml:9: cv.embargo: unknown key");
  expect_error(
      spec_text("{kind: ridge, params: {alpha: {from: 0, to: 1, count: 3, log: true}}}", "{kind: time_series}"),
      "t.yaml:8: model.params.alpha: a log grid needs from > 0");
  expect_error(
      "job: train\nname: t\ndata: {file: d.h5}\nfeatures:\n  - {kind: macd, window: 3}\nmodel: {kind: ridge, params: "
      "{alpha: 1}}\n",
      "t.yaml:5: features[0].kind: unknown feature 'macd'");
  expect_error(
      "job: train\nname: t\ndata: {file: d.h5}\nfeatures:\n  - {kind: skew, window: 2}\nmodel: {kind: ridge, params: "
      "{alpha: 1}}\n",
      "t.yaml:5: features[0].window: must be an integer from 3");
}

TEST(TrainJob, RidgeTimeSeriesAgainstBruteForce) {
  const auto data = one_symbol(400);
  const TrainJob job(parse_train_spec(spec_text("{kind: ridge, params: {alpha: {from: 0.01, to: 1000, count: 6, log: "
                                                "true}}}",
                                                "{kind: time_series, n_splits: 4, gap: 2}"),
                                      "t.yaml"),
                     data);
  // ---- the reference: features by plain loops, samples from bar 10 (zscore_10 needs 10 closes)
  const auto& close = data->symbols.front().close;
  const std::vector<ml::FeatureSpec> feats = {
      {ml::FeatureKind::kLaggedReturns, 3}, {ml::FeatureKind::kVolatility, 5}, {ml::FeatureKind::kZscore, 10}};
  Eigen::MatrixXd all(400, 5);
  ml::compute_features_ref(close, feats, all);
  const Eigen::Index first = 9, n = 400 - 1 - 1 - first + 1;  // zscore_10 from bar 9; last label at 398
  ASSERT_EQ(job.plan().samples.first, first);
  ASSERT_EQ(job.plan().samples.count, n);
  const Eigen::MatrixXd x = all.middleRows(first, n);
  Eigen::VectorXd y(n);
  for (Eigen::Index s = 0; s < n; ++s)
    y(s) = close[static_cast<std::size_t>(first + s + 1)] / close[static_cast<std::size_t>(first + s)] - 1;
  // TimeSeriesSplit(4, gap=2): test size n // 5, tests end at n.
  const Eigen::Index size = n / 5;
  const auto file = run(job);
  const auto& cv = *file.tables.at("/train/cv");
  ASSERT_EQ(cv.rows(), 6u * 4u);
  std::vector<double> mean_mse(6, 0.0);
  for (std::size_t set = 0; set < 6; ++set) {
    const double alpha = std::pow(10.0, -2.0 + static_cast<double>(set));
    for (std::size_t k = 0; k < 4; ++k) {
      const Eigen::Index start = n - 4 * size + static_cast<Eigen::Index>(k) * size;
      std::vector<Eigen::Index> train;
      for (Eigen::Index i = 0; i < start - 2; ++i) train.push_back(i);
      const RefModel m = ref_ridge(x, y, train, alpha);
      double mse = 0;
      for (Eigen::Index i = start; i < start + size; ++i)
        mse += std::pow(y(i) - m.predict(x, i), 2) / static_cast<double>(size);
      const std::size_t row = set * 4 + k;
      EXPECT_EQ(cv.at(row, column(cv, "test_start")), static_cast<double>(start));
      EXPECT_EQ(cv.at(row, column(cv, "test_end")), static_cast<double>(start + size));
      EXPECT_EQ(cv.at(row, column(cv, "n_train")), static_cast<double>(start - 2));
      EXPECT_NEAR(cv.at(row, column(cv, "params/alpha")), alpha, 1e-12 * alpha);
      EXPECT_NEAR(cv.at(row, column(cv, "mse")), mse, 1e-10 * mse);
      mean_mse[set] += cv.at(row, column(cv, "mse")) / 4;
    }
  }
  const auto best = static_cast<std::size_t>(std::min_element(mean_mse.begin(), mean_mse.end()) - mean_mse.begin());
  EXPECT_EQ(attr(file, "/train/summary@best_param_index"), static_cast<double>(best));
  EXPECT_EQ(file.tables.at("/train/best")->at(0, 0), static_cast<double>(best));
  // ---- out-of-fold predictions and the refit
  const double alpha = std::pow(10.0, -2.0 + static_cast<double>(best));
  const auto& oos = *file.tables.at("/train/oos");
  ASSERT_EQ(oos.rows(), static_cast<std::uint64_t>(4 * size));
  for (std::size_t r = 0; r < oos.rows(); ++r) {
    const auto s = static_cast<Eigen::Index>(oos.at(r, 0));
    const Eigen::Index start = n - 4 * size + static_cast<Eigen::Index>(oos.at(r, 2)) * size;
    std::vector<Eigen::Index> train;
    for (Eigen::Index i = 0; i < start - 2; ++i) train.push_back(i);
    if (r % static_cast<std::size_t>(size) != 0) continue;  // one refit per fold is enough
    EXPECT_NEAR(oos.at(r, 4), ref_ridge(x, y, train, alpha).predict(x, s), 1e-12);
    EXPECT_EQ(oos.at(r, 1), 20000000.0 + static_cast<double>(first + s));
    EXPECT_EQ(oos.at(r, 5), y(s));
  }
  std::vector<Eigen::Index> every(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) every[static_cast<std::size_t>(i)] = i;
  const RefModel full = ref_ridge(x, y, every, alpha);
  const auto& model = *file.tables.at("/train/model");
  ASSERT_EQ(model.rows(), 5u);
  for (std::size_t j = 0; j < 5; ++j) {
    EXPECT_NEAR(model.at(j, 0), full.mean[j], 1e-12 * std::fabs(full.mean[j]) + 1e-15);
    EXPECT_NEAR(model.at(j, 2), full.fit.coef(static_cast<Eigen::Index>(j)), 1e-12);
    EXPECT_NEAR(model.at(j, 3), full.fit.coef(static_cast<Eigen::Index>(j)) / full.sd[j], 1e-10);
    EXPECT_NEAR(model.at(j, 4), full.fit.intercept, 1e-14);
  }
  EXPECT_EQ(file.strings.at("/train/model/feature_names"),
            (std::vector<std::string>{"ret_lag_1", "ret_lag_2", "ret_lag_3", "vol_5", "zscore_10"}));
  EXPECT_EQ(attr(file, "/train/summary@complete"), 1.0);
}

// Member m refits the chosen set on the moving-block bootstrap of (seed, m): recomputed here
// from the kernel's blocks with plain-loop standardisation and fit_ridge_ref.
TEST(TrainJob, EnsembleMembersAreBootstrapRefits) {
  const auto data = one_symbol(300);
  const TrainJob job(
      parse_train_spec(spec_text("{kind: ridge, params: {alpha: [0.5, 5]}}", "{kind: time_series, n_splits: 3}",
                                 "seed: 17\nensemble: {members: 4, bootstrap: block, block_size: 25}\n"),
                       "t.yaml"),
      data);
  const std::vector<double> input = {1.0};  // set 1: alpha 5
  ASSERT_EQ(job.num_tasks(1, input), 3u + 1u + 4u);
  const Eigen::MatrixXd& x = job.features();
  const Eigen::VectorXd& y = job.labels();
  std::vector<double> rec;
  for (std::uint32_t m = 0; m < 4; ++m) {
    job.run_task(1, input, 4 + m, rec);
    std::vector<Eigen::Index> rows;
    for (const auto& r : ml::block_bootstrap(job.plan().samples.count, 25, 17, m))
      for (auto i = r.begin; i < r.end; ++i) rows.push_back(i);
    ASSERT_EQ(static_cast<Eigen::Index>(rows.size()), job.plan().samples.count);
    const RefModel ref = ref_ridge(x, y, rows, 5.0);
    const std::size_t p = 5;
    for (std::size_t j = 0; j < p; ++j) {
      EXPECT_NEAR(rec[j], ref.mean[j], 1e-12 * (1 + std::fabs(ref.mean[j])));
      EXPECT_NEAR(rec[2 * p + j], ref.fit.coef(static_cast<Eigen::Index>(j)), 1e-12);
    }
    EXPECT_NEAR(rec[3 * p], ref.fit.intercept, 1e-14);
  }
  const auto file = run(job);
  const auto& table = *file.tables.at("/train/ensemble");
  EXPECT_EQ(table.rows(), 4u * 5u);
  EXPECT_EQ(attr(file, "/train/summary@ensemble_members"), 4.0);
}

TEST(TrainJob, SelectionTiesGoToFirstAndNaNLoses) {
  // Two splits, width 2 (n_train, score): set means 3, NaN, 2, 2 -> minimise: set 2; maximise: set 0.
  const std::vector<double> folds = {9, 3, 9, 3, 9, NAN, 9, 1, 9, 2, 9, 2, 9, 1, 9, 3};
  std::vector<double> means;
  EXPECT_EQ(TrainReducer::select(folds, 2, 2, 0, true, means), 2u);
  EXPECT_EQ(TrainReducer::select(folds, 2, 2, 0, false, means), 0u);
  EXPECT_TRUE(std::isnan(means[1]));
}

TEST(TrainJob, CpcvPathsCoverEverySample) {
  const TrainJob job(parse_train_spec(spec_text("{kind: logistic, params: {C: [0.01, 1]}}",
                                                "{kind: cpcv, n_groups: 5, n_test_groups: 2, embargo: 3}",
                                                "target: next_up\nscoring: roc_auc\n"),
                                      "t.yaml"),
                     one_symbol(300));
  const auto file = run(job);
  const auto n = static_cast<std::size_t>(job.plan().samples.count);
  ASSERT_EQ(job.n_splits(), 10u);                         // C(5, 2)
  ASSERT_EQ(file.tables.at("/train/paths")->rows(), 4u);  // C(4, 1)
  const auto& oos = *file.tables.at("/train/oos");
  ASSERT_EQ(oos.rows(), 4 * n);
  for (std::size_t p = 0; p < 4; ++p)
    for (std::size_t s = 0; s < n; ++s) {
      EXPECT_EQ(oos.at(p * n + s, 0), static_cast<double>(s));
      EXPECT_EQ(oos.at(p * n + s, 3), static_cast<double>(p));
      const double prob = oos.at(p * n + s, 4);
      EXPECT_TRUE(prob > 0 && prob < 1);
    }
  // The mean over paths is the summary's out-of-sample score.
  const auto& paths = *file.tables.at("/train/paths");
  double mean = 0;
  for (std::size_t p = 0; p < 4; ++p) mean += paths.at(p, column(paths, "roc_auc")) / 4;
  EXPECT_NEAR(attr(file, "/train/summary@oos_roc_auc"), mean, 1e-15);
}

TEST(TrainJob, TasksArePureFunctionsOfTheirId) {
  const TrainJob job(
      parse_train_spec(spec_text("{kind: ridge, params: {alpha: [1, 10, 100]}}", "{kind: purged_kfold}"), "t.yaml"),
      one_symbol(250));
  std::vector<double> a, b;
  for (std::uint64_t t = job.num_tasks(0, {}); t-- > 0;) {
    job.run_task(0, {}, t, a);
    job.run_task(0, {}, t, b);
    EXPECT_EQ(a, b);
  }
}

// Stage-0 tasks take their split's scaler (and ridge's Gram) from a per-process cache, and stage
// 1's out-of-fold task reuses stage 0's fit of the chosen set. A record must not depend on
// which task filled the cache: two fresh jobs running the tasks in opposite orders give the
// same bits, and stage 1's out-of-fold predictions equal those of the uncached path
// (fit() on the split's rows: its own scaler and solver, then decide()) bit for bit.
void expect_cache_invisible(const std::string& model, const std::string& extra) {
  const auto spec = parse_train_spec(spec_text(model, "{kind: purged_kfold, n_splits: 4}", extra), "t.yaml");
  const TrainJob forward(spec, one_symbol(300)), backward(spec, one_symbol(300));
  const std::uint64_t n = forward.num_tasks(0, {});
  std::vector<std::vector<double>> a(n), b(n);
  for (std::uint64_t t = 0; t < n; ++t) forward.run_task(0, {}, t, a[t]);
  for (std::uint64_t t = n; t-- > 0;) backward.run_task(0, {}, t, b[t]);
  EXPECT_EQ(a, b);
  const std::vector<double> chosen = {1.0};
  for (std::size_t k = 0; k < forward.n_splits(); ++k) {
    std::vector<double> oos;
    forward.run_task(1, chosen, k, oos);
    const auto& split = forward.plan().splits[k];
    EXPECT_EQ(oos, forward.decide(forward.fit(1, split.train), split.test)) << model << " split " << k;
  }
}

// A split's labels are the next-bar returns of its samples (a plain loop over the closes here),
// in Eigen's aligned storage: Eigen's vectorised sums (ridge's mean of y) add in an order that
// depends on the data's alignment, and a std::vector's is 32-byte aligned or not by chance of
// the heap, which made a fold fit's bits depend on the thread that built it.
TEST(TrainJob, LabelsAreTheNextReturnsInAlignedStorage) {
  const auto data = one_symbol(300);
  const TrainJob job(
      parse_train_spec(spec_text("{kind: ridge, params: {alpha: [1]}}", "{kind: purged_kfold, n_splits: 4}"), "t.yaml"),
      data);
  const auto& close = data->symbols.front().close;
  const auto first = static_cast<std::size_t>(job.plan().samples.first);
  for (const auto& split : job.plan().splits) {
    ASSERT_GE(split.train.size(), 1u);
    const Eigen::VectorXd labels = job.labels_of(split.train);
    std::vector<double> expected;
    for (const auto& r : split.train)
      for (auto s = static_cast<std::size_t>(r.begin); s < static_cast<std::size_t>(r.end); ++s)
        expected.push_back(close[first + s + 1] / close[first + s] - 1);
    EXPECT_EQ(std::vector<double>(labels.begin(), labels.end()), expected);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(labels.data()) % EIGEN_MAX_ALIGN_BYTES, 0u);
  }
}

TEST(TrainJob, FoldCacheIsInvisibleInTheRecords) {
  expect_cache_invisible("{kind: ridge, params: {alpha: [0.1, 10, 1000]}}", "");
  expect_cache_invisible("{kind: logistic, params: {C: [0.01, 1, 100]}}", "target: next_up\nscoring: log_loss\n");
}

TEST(TrainJob, FailedTaskLeavesTheRunIncomplete) {
  const TrainJob job(
      parse_train_spec(spec_text("{kind: ridge, params: {alpha: [1, 10]}}", "{kind: time_series}"), "t.yaml"),
      one_symbol(250));
  testing::FakeRunFile file;
  auto reducer = job.make_reducer(file);
  std::vector<double> records;
  for (std::uint64_t t = 0; t < job.num_tasks(0, {}); ++t) {
    if (t == 3) {
      reducer->task_failed(0, t, "boom");
      continue;
    }
    job.run_task(0, {}, t, records);
    reducer->consume(0, t, records);
  }
  const auto input = reducer->end_stage(0);
  EXPECT_TRUE(input.empty());
  EXPECT_EQ(job.num_tasks(1, input), 0u);
  EXPECT_EQ(attr(file, "/train/summary@complete"), 0.0);
}

TEST(TrainJob, DataErrors) {
  const TrainSpec spec =
      parse_train_spec(spec_text("{kind: ridge, params: {alpha: 1}}", "{kind: time_series, n_splits: 50}"), "t.yaml");
  EXPECT_THROW(TrainJob(spec, one_symbol(40)), DataError);  // 29 samples for 51 folds
  auto two = std::make_shared<MarketData>(*one_symbol(200));
  two->symbols.push_back(two->symbols.front());
  EXPECT_THROW(TrainJob(spec, two), DataError);
}

TEST(TrainJob, ExamplesParse) {
  for (const char* name : {"ridge_train.yaml", "logistic_train.yaml"}) {
    const auto path = std::filesystem::path(QG_JOBS_EXAMPLES_DIR) / name;
    std::ifstream in(path);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const TrainSpec spec = parse_train_spec(text, path.string());
    EXPECT_EQ(ml::feature_columns(spec.features), 13) << name;
  }
}

}  // namespace
}  // namespace qg::jobs
