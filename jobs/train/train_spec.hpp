#pragma once
// The `job: train` spec: features from a documented catalogue, a target, a linear model with a
// hyper-parameter grid, a cross-validation scheme and a score (docs/train.md,
// docs/spec-reference.md).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "qg/jobs/job.hpp"
#include "qg/kernels/ml/features.hpp"
#include "qg/kernels/ml/targets.hpp"
#include "train/train_grid.hpp"

namespace qg::jobs {

//! Top-level keys a train spec has beyond the common header keys.
inline constexpr std::array<std::string_view, 7> kTrainSpecKeys = {"features", "target",   "model", "cv",
                                                                   "scoring",  "ensemble", "fit"};

enum class ModelKind : std::uint8_t { kRidge, kLogistic, kElasticNet };
enum class CvKind : std::uint8_t { kTimeSeries, kPurgedKfold, kCpcv };

//! "ridge", "logistic", "elastic_net".
std::string_view model_kind_name(ModelKind kind);
//! "time_series", "purged_kfold", "cpcv".
std::string_view cv_kind_name(CvKind kind);

struct CvSpec {
  CvKind kind = CvKind::kTimeSeries;
  int n_splits = 5;                 // time_series, purged_kfold
  std::int64_t test_size = 0;       // time_series; 0: n / (n_splits + 1)
  std::int64_t gap = 0;             // time_series
  std::int64_t max_train_size = 0;  // time_series; 0: no limit
  std::int64_t purge = 0;           // purged_kfold, cpcv; defaults to the label horizon
  std::int64_t embargo = 0;         // purged_kfold, cpcv
  int n_groups = 6;                 // cpcv
  int n_test_groups = 2;            // cpcv
};

//! Ensemble members: the chosen set refitted on moving-block bootstrap resamples of every sample.
struct EnsembleSpec {
  int members = 0;  // 0: no ensemble
  std::int64_t block_size = 0;
};

//! How the fits run: `data_parallel` fits every sample's refit and every fold's fit with the
//! rank-count-independent block sums of data_parallel_fit.hpp (ridge and logistic).
struct FitSpec {
  bool data_parallel = false;
};

struct TrainSpec {
  SpecHeader header;
  std::vector<kernels::ml::FeatureSpec> features;
  kernels::ml::TargetKind target = kernels::ml::TargetKind::kNextReturn;
  int horizon = 1;
  ModelKind model = ModelKind::kRidge;
  HyperGrid grid;
  CvSpec cv;
  std::string scoring;  // one of scores()
  EnsembleSpec ensemble;
  FitSpec fit;
  bool classifier() const { return model == ModelKind::kLogistic; }
  //! The scores a run reports, in column order: mse, r2 for regression; log_loss, accuracy,
  //! roc_auc for classification.
  std::vector<std::string> scores() const;
  //! Whether a smaller `scoring` is better (mse, log_loss).
  bool minimise() const { return scoring == "mse" || scoring == "log_loss"; }
};

//! Parses and validates a train spec. ConfigError "ORIGIN:LINE: KEY.PATH: what".
TrainSpec parse_train_spec(const std::string& spec_text, const std::string& origin);

}  // namespace qg::jobs
