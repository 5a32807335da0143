#pragma once
// Where a training run's samples and cross-validation splits fall on its one series
// (docs/train.md): sample s is bar first + s; splits index samples.
#include <cstdint>
#include <string>
#include <vector>

#include "qg/kernels/ml/cv_splits.hpp"
#include "qg/kernels/ml/targets.hpp"
#include "train/train_spec.hpp"

namespace qg::jobs {

struct TrainPlan {
  kernels::ml::SampleRange samples;
  std::vector<kernels::ml::CvSplit> splits;
  // cpcv only: the groups, and paths[p][g] = the split whose predictions of group g form path p.
  std::vector<kernels::ml::IndexRange> groups;
  std::vector<std::vector<int>> paths;
};

//! The plan of `spec` on a series of `n_bars` bars. DataError when there are too few samples
//! for the features, the target and the splits.
TrainPlan plan_train(const TrainSpec& spec, std::int64_t n_bars, const std::string& symbol);

//! Every score of spec.scores() for labels `y` and decision values `decision` (the prediction
//! of a regression; x b + b0 of a logistic model, whose probability is sigmoid(decision)).
std::vector<double> score_predictions(const TrainSpec& spec, std::span<const double> y,
                                      std::span<const double> decision);

}  // namespace qg::jobs
