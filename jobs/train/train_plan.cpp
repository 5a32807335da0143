#include "train/train_plan.hpp"

#include "qg/core/error.hpp"
#include "qg/kernels/ml/linear_model.hpp"
#include "qg/kernels/ml/scores.hpp"

namespace qg::jobs {

TrainPlan plan_train(const TrainSpec& spec, std::int64_t n_bars, const std::string& symbol) {
  namespace ml = kernels::ml;
  TrainPlan p;
  const std::int64_t first = ml::features_first_bar(spec.features);
  p.samples = ml::sample_range(n_bars, first, spec.horizon);
  const std::string where = spec.header.data_file + ": symbol '" + symbol + "' has " + std::to_string(n_bars) +
                            " bars, " + std::to_string(p.samples.count) + " samples (features from bar " +
                            std::to_string(first) + ", labels " + std::to_string(spec.horizon) + " bar(s) ahead)";
  if (p.samples.count < 10) throw DataError(where + ": at least 10 samples are needed");
  if (spec.ensemble.block_size > p.samples.count)
    throw DataError(where + ": ensemble.block_size " + std::to_string(spec.ensemble.block_size) +
                    " is longer than the samples");
  const CvSpec& cv = spec.cv;
  try {
    switch (cv.kind) {
      case CvKind::kTimeSeries:
        p.splits = ml::time_series_splits(p.samples.count, cv.n_splits, cv.test_size, cv.gap, cv.max_train_size);
        break;
      case CvKind::kPurgedKfold:
        p.splits = ml::purged_kfold_splits(p.samples.count, cv.n_splits, cv.purge, cv.embargo);
        break;
      case CvKind::kCpcv: {
        auto c = ml::cpcv_splits(p.samples.count, cv.n_groups, cv.n_test_groups, cv.purge, cv.embargo);
        p.splits = std::move(c.splits), p.groups = std::move(c.groups), p.paths = std::move(c.paths);
        break;
      }
    }
  } catch (const KernelError& e) {
    throw DataError(where + ": the cross-validation does not fit (" + e.what() + ")");
  }
  return p;
}

std::vector<double> score_predictions(const TrainSpec& spec, std::span<const double> y,
                                      std::span<const double> decision) {
  namespace ml = kernels::ml;
  if (!spec.classifier()) return {ml::mse(y, decision), ml::r2(y, decision)};
  std::vector<double> prob(decision.size());
  for (std::size_t i = 0; i < prob.size(); ++i) prob[i] = ml::sigmoid(decision[i]);
  return {ml::log_loss(y, prob), ml::accuracy(y, decision), ml::roc_auc(y, decision)};
}

}  // namespace qg::jobs
