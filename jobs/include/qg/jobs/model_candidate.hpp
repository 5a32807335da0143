#pragma once
// The model part of a candidate (job_kind.hpp): what a `train` run's chosen set becomes when it
// is approved. Enough to evaluate the model on new bars exactly as the run evaluated it:
// features from the catalogue (qg/kernels/ml/features.hpp), the scaler fitted on every sample,
// and the coefficients on the standardised features.
#include <string>
#include <utility>
#include <vector>

namespace qg::jobs {

struct ModelCandidate {
  std::string kind;                                          // ridge | logistic | elastic_net
  std::vector<std::pair<std::string, int>> features;         // (catalogue kind, its parameter), in spec order
  std::string target;                                        // next_return | next_up
  int horizon = 1;                                           // bars ahead of the label
  std::vector<std::string> feature_names;                    // one per column
  std::vector<double> scaler_mean, scaler_scale;             // per column
  std::vector<double> coef;                                  // on standardised columns
  double intercept = 0.0;                                    // on standardised columns
  std::vector<std::pair<std::string, double>> hyper_params;  // the chosen set, in grid order
  // evidence: the chosen set's cross-validation
  std::string scoring;              // mse | r2 | log_loss | accuracy | roc_auc
  bool loss = false;                // smaller scoring is better (mse, log_loss)
  double cv_score = 0.0;            // the chosen set's unweighted mean over folds
  std::vector<double> fold_scores;  // per fold (CPCV: per split), in fold order
};

}  // namespace qg::jobs
