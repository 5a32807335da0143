#include "train/train_reducer.hpp"

#include <cmath>
#include <limits>

#include "qg/core/error.hpp"
#include "qg/kernels/ml/linear_model.hpp"
#include "qg/results/run_file.hpp"
#include "train/train_job.hpp"

namespace qg::jobs {
namespace {

constexpr const char* kCv = "/train/cv";
constexpr const char* kBest = "/train/best";
constexpr const char* kModel = "/train/model";
constexpr const char* kOos = "/train/oos";
constexpr const char* kPaths = "/train/paths";
constexpr const char* kSummary = "/train/summary";
constexpr const char* kEnsemble = "/train/ensemble";

using results::ColumnType;

}  // namespace

TrainReducer::TrainReducer(const TrainJob& job, results::RunFile& out) : job_(job), out_(out) {
  const auto& spec = job.spec();
  folds_.reserve(job.n_sets() * job.n_splits() * job.fold_width());
  decisions_.resize(job.n_splits());
  members_.resize(static_cast<std::size_t>(spec.ensemble.members));
  out_.set_attribute(kSummary, "symbol", job.bars().symbol);
  out_.set_attribute(kSummary, "model", std::string(model_kind_name(spec.model)));
  out_.set_attribute(kSummary, "target",
                     std::string(spec.target == kernels::ml::TargetKind::kNextUp ? "next_up" : "next_return"));
  out_.set_attribute(kSummary, "horizon", static_cast<std::int64_t>(spec.horizon));
  out_.set_attribute(kSummary, "cv", std::string(cv_kind_name(spec.cv.kind)));
  out_.set_attribute(kSummary, "n_splits", static_cast<std::int64_t>(job.n_splits()));
  out_.set_attribute(kSummary, "scoring", spec.scoring);
  out_.set_attribute(kSummary, "n_samples", job.plan().samples.count);
  out_.set_attribute(kSummary, "first_bar", job.plan().samples.first);
  out_.set_attribute(kSummary, "n_features", static_cast<std::int64_t>(job.features().cols()));
  out_.set_attribute(kSummary, "n_sets", static_cast<std::int64_t>(job.n_sets()));
}

void TrainReducer::consume(std::uint32_t stage, std::uint64_t task, std::span<const double> records) {
  if (stage == 0) {
    QG_CHECK(records.size() == job_.fold_width(), "train task " + std::to_string(task) + " returned a partial record");
    folds_.insert(folds_.end(), records.begin(), records.end());
  } else if (task < job_.n_splits()) {
    decisions_[task].assign(records.begin(), records.end());
  } else if (task == job_.n_splits()) {
    refit_.assign(records.begin(), records.end());
  } else {
    members_[task - job_.n_splits() - 1].assign(records.begin(), records.end());
  }
}

void TrainReducer::task_failed(std::uint32_t stage, std::uint64_t, const std::string&) {
  // The coordinator records the message in /errors; the selection needs every fold.
  ++failed_[stage];
}

std::vector<double> TrainReducer::end_stage(std::uint32_t stage) {
  if (failed_[stage] > 0) {
    out_.set_attribute(kSummary, "complete", std::int64_t{0});
    return {};
  }
  if (stage == 0) return write_cv();
  write_oos();
  write_model();
  if (!members_.empty()) write_ensemble();
  out_.set_attribute(kSummary, "complete", std::int64_t{1});
  return {};
}

std::size_t TrainReducer::select(const std::vector<double>& folds, std::size_t width, std::size_t splits,
                                 std::size_t score, bool minimise, std::vector<double>& means) {
  const std::size_t sets = folds.size() / (width * splits);
  means.assign(sets, 0.0);
  std::size_t best = 0;
  bool found = false;
  for (std::size_t s = 0; s < sets; ++s) {
    double sum = 0;
    for (std::size_t k = 0; k < splits; ++k) sum += folds[(s * splits + k) * width + 1 + score];
    means[s] = sum / static_cast<double>(splits);
    if (std::isnan(means[s])) continue;
    const bool better = !found || (minimise ? means[s] < means[best] : means[s] > means[best]);
    if (better) best = s, found = true;
  }
  return best;
}

std::vector<double> TrainReducer::write_cv() {
  const auto& spec = job_.spec();
  const auto scores = spec.scores();
  std::vector<results::Column> cols = {{"fold", ColumnType::kInt64},
                                       {"test_start", ColumnType::kInt64},
                                       {"test_end", ColumnType::kInt64},
                                       {"n_train", ColumnType::kInt64},
                                       {"param_index", ColumnType::kInt64}};
  for (const auto& a : spec.grid.axes) cols.push_back({"params/" + a.name, ColumnType::kFloat64});
  for (const auto& s : scores) cols.push_back({s, ColumnType::kFloat64});
  auto& table = out_.create_table(kCv, cols);
  const std::size_t width = job_.fold_width(), k = job_.n_splits();
  std::vector<double> row;
  for (std::size_t set = 0; set < job_.n_sets(); ++set)
    for (std::size_t f = 0; f < k; ++f) {
      const double* rec = folds_.data() + (set * k + f) * width;
      const auto& test = job_.plan().splits[f].test;
      row.assign({static_cast<double>(f), static_cast<double>(test.front().begin), static_cast<double>(test.back().end),
                  rec[0], static_cast<double>(set)});
      const auto params = spec.grid.set(set);
      row.insert(row.end(), params.begin(), params.end());
      row.insert(row.end(), rec + 1, rec + width);
      table.append(row);
    }
  std::size_t score = 0;
  while (scores[score] != spec.scoring) ++score;
  std::vector<double> means;
  best_ = select(folds_, width, k, score, spec.minimise(), means);
  out_.set_attribute(kSummary, "best_param_index", static_cast<std::int64_t>(best_));
  out_.set_attribute(kSummary, "best_mean_" + spec.scoring, means[best_]);
  return {static_cast<double>(best_)};
}

void TrainReducer::write_oos() {
  const auto& spec = job_.spec();
  const auto& plan = job_.plan();
  auto& table = out_.create_table(kOos, {{"sample", ColumnType::kInt64},
                                         {"date", ColumnType::kInt64},
                                         {"fold", ColumnType::kInt64},
                                         {"path", ColumnType::kInt64},
                                         {"prediction", ColumnType::kFloat64},
                                         {"target", ColumnType::kFloat64}});
  const auto& dates = job_.bars().date;
  const auto& y = job_.labels();
  auto emit = [&](std::int64_t path, std::size_t split, std::int64_t offset, const kernels::ml::IndexRange& r,
                  std::vector<double>& decisions) {
    std::vector<double> rows;
    for (std::int64_t s = r.begin; s < r.end; ++s) {
      const double d = decisions_[split][static_cast<std::size_t>(offset + s - r.begin)];
      const double pred = spec.classifier() ? kernels::ml::sigmoid(d) : d;
      rows.insert(rows.end(),
                  {static_cast<double>(s), static_cast<double>(dates[static_cast<std::size_t>(plan.samples.first + s)]),
                   static_cast<double>(split), static_cast<double>(path), pred, y(s)});
      decisions.push_back(d);
    }
    table.append(rows);
  };
  if (plan.paths.empty()) {
    std::vector<double> all;
    for (std::size_t k = 0; k < plan.splits.size(); ++k) emit(0, k, 0, plan.splits[k].test.front(), all);
    std::vector<double> labels;
    for (const auto& s : plan.splits) {
      const auto l = job_.labels_of(s.test);
      labels.insert(labels.end(), l.begin(), l.end());
    }
    const auto scores = score_predictions(spec, labels, all);
    for (std::size_t i = 0; i < scores.size(); ++i) out_.set_attribute(kSummary, "oos_" + spec.scores()[i], scores[i]);
    return;
  }
  std::vector<std::vector<double>> per_path(plan.paths.size());
  for (std::size_t p = 0; p < plan.paths.size(); ++p)
    for (std::size_t g = 0; g < plan.groups.size(); ++g) {
      const auto split = static_cast<std::size_t>(plan.paths[p][g]);
      std::int64_t offset = 0;  // the group's place among its split's test samples
      for (const auto& r : plan.splits[split].test) {
        if (r.begin == plan.groups[g].begin) break;
        offset += r.size();
      }
      emit(static_cast<std::int64_t>(p), split, offset, plan.groups[g], per_path[p]);
    }
  write_paths(per_path);
}

void TrainReducer::write_paths(const std::vector<std::vector<double>>& path_decisions) {
  const auto& spec = job_.spec();
  const auto names = spec.scores();
  std::vector<results::Column> cols = {{"path", ColumnType::kInt64}};
  for (const auto& s : names) cols.push_back({s, ColumnType::kFloat64});
  auto& table = out_.create_table(kPaths, cols);
  const std::vector<double> labels(job_.labels().data(), job_.labels().data() + job_.labels().size());
  std::vector<double> mean(names.size(), 0.0);
  for (std::size_t p = 0; p < path_decisions.size(); ++p) {
    const auto scores = score_predictions(spec, labels, path_decisions[p]);  // a path covers every sample
    std::vector<double> row = {static_cast<double>(p)};
    row.insert(row.end(), scores.begin(), scores.end());
    table.append(row);
    for (std::size_t i = 0; i < scores.size(); ++i) mean[i] += scores[i] / static_cast<double>(path_decisions.size());
  }
  for (std::size_t i = 0; i < names.size(); ++i) out_.set_attribute(kSummary, "oos_" + names[i], mean[i]);
}

void TrainReducer::write_model() {
  const auto& spec = job_.spec();
  std::vector<results::Column> best_cols = {{"param_index", ColumnType::kInt64}};
  for (const auto& a : spec.grid.axes) best_cols.push_back({a.name, ColumnType::kFloat64});
  std::vector<double> best_row = {static_cast<double>(best_)};
  const auto params = spec.grid.set(best_);
  best_row.insert(best_row.end(), params.begin(), params.end());
  out_.create_table(kBest, best_cols).append(best_row);

  const auto p = static_cast<std::size_t>(job_.features().cols());
  QG_CHECK(refit_.size() == 4 * p + 4, "train: refit record of the wrong size");
  auto& model = out_.create_table(kModel, {{"scaler_mean", ColumnType::kFloat64},
                                           {"scaler_scale", ColumnType::kFloat64},
                                           {"coef_standardized", ColumnType::kFloat64},
                                           {"coef_raw", ColumnType::kFloat64},
                                           {"intercept_standardized", ColumnType::kFloat64},
                                           {"intercept_raw", ColumnType::kFloat64}});
  const double* r = refit_.data();
  std::vector<double> rows;
  for (std::size_t j = 0; j < p; ++j)
    rows.insert(rows.end(), {r[j], r[p + j], r[2 * p + j], r[3 * p + 1 + j], r[3 * p], r[4 * p + 1]});
  model.append(rows);
  out_.write_strings(std::string(kModel) + "/feature_names", kernels::ml::feature_names(spec.features));
  out_.set_attribute(kSummary, "refit_iterations", static_cast<std::int64_t>(r[4 * p + 2]));
  out_.set_attribute(kSummary, "refit_gradient_norm", r[4 * p + 3]);
}

void TrainReducer::write_ensemble() {
  const auto& spec = job_.spec();
  const auto p = static_cast<std::size_t>(job_.features().cols());
  auto& table = out_.create_table(kEnsemble, {{"member", ColumnType::kInt64},
                                              {"feature", ColumnType::kInt64},
                                              {"scaler_mean", ColumnType::kFloat64},
                                              {"scaler_scale", ColumnType::kFloat64},
                                              {"coef_standardized", ColumnType::kFloat64},
                                              {"coef_raw", ColumnType::kFloat64},
                                              {"intercept_standardized", ColumnType::kFloat64},
                                              {"intercept_raw", ColumnType::kFloat64}});
  std::vector<double> rows;
  for (std::size_t m = 0; m < members_.size(); ++m) {
    const double* r = members_[m].data();
    QG_CHECK(members_[m].size() == 4 * p + 4, "train: ensemble record of the wrong size");
    rows.clear();
    for (std::size_t j = 0; j < p; ++j)
      rows.insert(rows.end(), {static_cast<double>(m), static_cast<double>(j), r[j], r[p + j], r[2 * p + j],
                               r[3 * p + 1 + j], r[3 * p], r[4 * p + 1]});
    table.append(rows);
  }
  out_.set_attribute(kSummary, "ensemble_members", static_cast<std::int64_t>(spec.ensemble.members));
  out_.set_attribute(kSummary, "ensemble_block_size", spec.ensemble.block_size);
}

}  // namespace qg::jobs
