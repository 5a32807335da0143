#include "train/train_job.hpp"

#include <algorithm>
#include <cmath>

#include "qg/core/error.hpp"
#include "qg/kernels/ml/bootstrap.hpp"
#include "train/train_kind.hpp"
#include "train/train_reducer.hpp"

namespace qg::jobs {
namespace {

namespace ml = kernels::ml;

const SymbolBars& only_symbol(const MarketData& data, const TrainSpec& spec) {
  if (data.symbols.size() != 1)
    throw DataError(spec.header.data_file + ": a train run takes exactly one symbol; data.symbols selects " +
                    std::to_string(data.symbols.size()));
  return data.symbols.front();
}

//! The rows `rows` of x, in order, into `out` (range_count(rows) x x.cols()).
void gather_into(const Eigen::MatrixXd& x, const std::vector<ml::IndexRange>& rows, Eigen::Ref<Eigen::MatrixXd> out) {
  Eigen::Index at = 0;
  for (const auto& r : rows) {
    out.middleRows(at, r.size()) = x.middleRows(r.begin, r.size());
    at += r.size();
  }
}

Eigen::MatrixXd gather(const Eigen::MatrixXd& x, const std::vector<ml::IndexRange>& rows) {
  Eigen::MatrixXd out(ml::range_count(rows), x.cols());
  gather_into(x, rows, out);
  return out;
}

}  // namespace

TrainJob::TrainJob(TrainSpec spec, std::shared_ptr<const MarketData> data)
    : spec_(std::make_shared<const TrainSpec>(std::move(spec))), data_(std::move(data)) {
  QG_CHECK(data_ != nullptr, "train job built without market data");
  const SymbolBars& bars = only_symbol(*data_, *spec_);
  plan_ = plan_train(*spec_, static_cast<std::int64_t>(bars.size()), bars.symbol);
  const auto n_bars = static_cast<Eigen::Index>(bars.size());
  Eigen::MatrixXd all(n_bars, ml::feature_columns(spec_->features));
  ml::compute_features(bars.close, spec_->features, all);
  x_ = std::make_shared<const Eigen::MatrixXd>(all.middleRows(plan_.samples.first, plan_.samples.count));
  Eigen::VectorXd y(plan_.samples.count);
  ml::compute_targets(bars.close, plan_.samples, spec_->target, spec_->horizon,
                      {y.data(), static_cast<std::size_t>(y.size())});
  y_ = std::make_shared<const Eigen::VectorXd>(std::move(y));
  folds_ = std::make_shared<FoldCache>(plan_.splits.size());
}

const JobKind& TrainJob::kind() const { return train_kind(); }

std::uint64_t TrainJob::num_tasks(std::uint32_t stage, StageInput input) const {
  if (stage == 0) return n_sets() * n_splits();
  QG_CHECK(stage == 1, "train has two stages, asked for stage " + std::to_string(stage));
  // stage 0 lost tasks: nothing further can be computed
  return input.empty() ? 0 : n_splits() + 1 + static_cast<std::uint64_t>(spec_->ensemble.members);
}

std::size_t TrainJob::max_task_values(std::uint32_t stage, StageInput) const {
  if (stage == 0) return fold_width();
  std::size_t longest = refit_width();
  for (const auto& s : plan_.splits) longest = std::max(longest, static_cast<std::size_t>(ml::range_count(s.test)));
  return longest;
}

void TrainJob::run_task(std::uint32_t stage, StageInput input, std::uint64_t task, std::vector<double>& out) const {
  QG_CHECK(task < num_tasks(stage, input), "train task " + std::to_string(task) + " out of range");
  if (stage == 0) return run_fold(task, out);
  const auto set = static_cast<std::size_t>(input[0]);
  const std::vector<ml::IndexRange> every = {{0, plan_.samples.count}};
  if (task == n_splits()) return run_refit(set, every, out);
  if (task > n_splits()) {
    const auto member = static_cast<std::uint32_t>(task - n_splits() - 1);
    return run_refit(
        set, ml::block_bootstrap(plan_.samples.count, spec_->ensemble.block_size, spec_->header.seed, member), out);
  }
  out = decide(fit_split(set, static_cast<std::size_t>(task)), plan_.splits[static_cast<std::size_t>(task)].test);
}

TrainedModel TrainJob::fit(std::size_t set, const std::vector<ml::IndexRange>& rows) const {
  Eigen::MatrixXd x = gather(*x_, rows);
  const Eigen::VectorXd y = labels_of(rows);
  const auto params = spec_->grid.set(set);
  LocalBlockReduction local;
  const TrainedModel m = spec_->fit.data_parallel ? fit_in_blocks(x, y, params[0], shard_of(x.rows(), 0, 1), local)
                                                  : fit_in_one(x, y, params);
  check_converged(m);
  return m;
}

void TrainJob::check_converged(const TrainedModel& m) const {
  if (!m.fit.converged)
    throw KernelError(std::string(model_kind_name(spec_->model)) + " did not converge: relative gradient norm " +
                      std::to_string(m.fit.gradient_norm) + " after " + std::to_string(m.fit.iterations) +
                      " iterations (a training fold with a single class?)");
}

TrainedModel TrainJob::fit_in_one(Eigen::MatrixXd& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                                  std::span<const double> params) const {
  TrainedModel m;
  m.scaler = ml::fit_scaler(x);
  ml::apply_scaler(m.scaler, x);
  m.fit = solve(x, y, params);
  return m;
}

ml::LinearFit TrainJob::solve(const Eigen::Ref<const Eigen::MatrixXd>& xs, const Eigen::Ref<const Eigen::VectorXd>& y,
                              std::span<const double> params) const {
  switch (spec_->model) {
    case ModelKind::kRidge:
      return ml::fit_ridge(xs, y, params[0]);
    case ModelKind::kLogistic:
      return ml::fit_logistic(xs, y, params[0]);
    case ModelKind::kElasticNet:
      return ml::fit_elastic_net(xs, y, params[0], params[1]);
  }
  QG_CHECK(false, "train: unknown model kind");
  return {};
}

TrainedModel TrainJob::fit_split(std::size_t set, std::size_t k) const {
  const auto& rows = plan_.splits[k].train;
  if (spec_->fit.data_parallel) return fit(set, rows);  // the block sums' own arithmetic
  const FoldFit& shared = folds_->get(k, [&] { return fold_fit(rows); });
  const TrainedModel m{shared.scaler, folds_->fit(k, set, [&] { return solve_split(shared, set, rows); })};
  check_converged(m);
  return m;
}

ml::LinearFit TrainJob::solve_split(const FoldFit& shared, std::size_t set,
                                    const std::vector<ml::IndexRange>& rows) const {
  const auto params = spec_->grid.set(set);
  if (shared.ridge) return ml::solve_ridge(*shared.ridge, params[0]);
  if (shared.logistic && shared.design.size() > 0)
    return ml::fit_logistic_design(shared.design, shared.labels, params[0], *shared.logistic);
  Eigen::MatrixXd x = gather(*x_, rows);
  ml::apply_scaler(shared.scaler, x);
  const Eigen::VectorXd y = labels_of(rows);
  if (shared.logistic) return ml::fit_logistic(x, y, params[0], *shared.logistic);
  return solve(x, y, params);
}

FoldFit TrainJob::fold_fit(const std::vector<ml::IndexRange>& rows) const {
  if (spec_->model == ModelKind::kLogistic) return logistic_fold_fit(rows);
  Eigen::MatrixXd x = gather(*x_, rows);
  FoldFit f;
  f.scaler = ml::fit_scaler(x);
  if (spec_->model == ModelKind::kElasticNet) return f;
  ml::apply_scaler(f.scaler, x);
  const Eigen::VectorXd y = labels_of(rows);
  f.ridge = ml::ridge_gram(x, y);
  return f;
}

FoldFit TrainJob::logistic_fold_fit(const std::vector<ml::IndexRange>& rows) const {
  // The rows are gathered into the design's feature columns and standardised there: the same
  // values (and column layout) as logistic_design() of a gathered, standardised copy, without
  // the copy.
  const Eigen::Index p = x_->cols();
  Eigen::MatrixXd design(static_cast<Eigen::Index>(ml::range_count(rows)), p + 1);
  gather_into(*x_, rows, design.leftCols(p));
  design.col(p).setOnes();
  FoldFit f;
  f.scaler = ml::fit_scaler(design.leftCols(p));
  ml::apply_scaler(f.scaler, design.leftCols(p));
  const Eigen::VectorXd y = labels_of(rows);
  f.logistic = ml::logistic_start_design(design, y);
  if (static_cast<std::size_t>(design.size()) * sizeof(double) <= kMaxCachedDesignBytes) {
    f.design = std::move(design);
    f.labels = y;
  }
  return f;
}

TrainedModel TrainJob::fit_in_blocks(Eigen::MatrixXd& x, const Eigen::Ref<const Eigen::VectorXd>& y, double param,
                                     const RowShard& shard, BlockReduction& reduce) const {
  const Eigen::VectorXd yv = y;
  if (spec_->model == ModelKind::kRidge) return fit_ridge_data_parallel(x, yv, shard, param, reduce);
  return fit_logistic_data_parallel(x, yv, shard, param, reduce);
}

std::vector<std::uint64_t> TrainJob::collective_tasks(std::uint32_t stage, StageInput input) const {
  if (stage != 1 || !spec_->fit.data_parallel || input.empty()) return {};
  return {n_splits()};
}

void TrainJob::run_collective(std::uint32_t stage, StageInput input, std::uint64_t task, int rank, int ranks,
                              BlockReduction& reduce, std::vector<double>& out) const {
  QG_CHECK(stage == 1 && task == n_splits() && !input.empty(), "train: no collective task " + std::to_string(task));
  const auto set = static_cast<std::size_t>(input[0]);
  const RowShard shard = shard_of(plan_.samples.count, rank, ranks);
  Eigen::MatrixXd x = x_->middleRows(shard.first_row(), shard.rows());
  const TrainedModel m =
      fit_in_blocks(x, y_->segment(shard.first_row(), shard.rows()), spec_->grid.set(set)[0], shard, reduce);
  check_converged(m);
  if (rank == 0) write_refit(m, out);
}

std::vector<double> TrainJob::decide(const TrainedModel& model, const std::vector<ml::IndexRange>& rows) const {
  Eigen::MatrixXd x = gather(*x_, rows);
  ml::apply_scaler(model.scaler, x);
  const Eigen::VectorXd d = ml::predict_linear(model.fit, x);
  return {d.data(), d.data() + d.size()};
}

Eigen::VectorXd TrainJob::labels_of(const std::vector<ml::IndexRange>& rows) const {
  Eigen::VectorXd out(static_cast<Eigen::Index>(ml::range_count(rows)));
  double* at = out.data();
  for (const auto& r : rows) at = std::copy(y_->data() + r.begin, y_->data() + r.end, at);
  return out;
}

void TrainJob::run_fold(std::uint64_t task, std::vector<double>& out) const {
  const auto set = static_cast<std::size_t>(task / n_splits());
  const auto k = static_cast<std::size_t>(task % n_splits());
  const auto& split = plan_.splits[k];
  const std::vector<double> decision = decide(fit_split(set, k), split.test);
  out.assign(1, static_cast<double>(ml::range_count(split.train)));
  const Eigen::VectorXd labels = labels_of(split.test);
  const auto scores = score_predictions(*spec_, {labels.data(), static_cast<std::size_t>(labels.size())}, decision);
  out.insert(out.end(), scores.begin(), scores.end());
}

void TrainJob::run_refit(std::size_t set, const std::vector<ml::IndexRange>& rows, std::vector<double>& out) const {
  write_refit(fit(set, rows), out);
}

void TrainJob::write_refit(const TrainedModel& m, std::vector<double>& out) const {
  const Eigen::VectorXd raw = m.fit.coef.array() / m.scaler.scale.array();
  const double raw_intercept = m.fit.intercept - raw.dot(m.scaler.mean);
  out.clear();
  for (const Eigen::VectorXd* v : {&m.scaler.mean, &m.scaler.scale, &m.fit.coef})
    out.insert(out.end(), v->begin(), v->end());
  out.push_back(m.fit.intercept);
  out.insert(out.end(), raw.begin(), raw.end());
  out.insert(out.end(), {raw_intercept, static_cast<double>(m.fit.iterations), m.fit.gradient_norm});
}

std::unique_ptr<Reducer> TrainJob::make_reducer(results::RunFile& out) const {
  return std::make_unique<TrainReducer>(*this, out);
}

}  // namespace qg::jobs
