#pragma once
// A deployed model evaluated one bar at a time: the features of each close from a
// FeatureStream (the training run's kernel arithmetic, bounded memory), standardised with the
// stored scaler, the model's prediction, and the signal rule's position. Flat until every
// feature is defined.
#include <cmath>
#include <limits>
#include <memory>

#include "qg/kernels/ml/feature_stream.hpp"
#include "qg/kernels/position_stream.hpp"
#include "qg/live/model_artifact.hpp"

namespace qg::live {

class ModelStream final : public kernels::PositionStream {
 public:
  explicit ModelStream(std::shared_ptr<const ModelArtifact> model);
  //! The prediction at the last close (NaN before every feature is defined).
  double last_prediction() const { return prediction_; }

 protected:
  std::int8_t decide(double high, double low, double close, std::int64_t t) override;

 private:
  std::shared_ptr<const ModelArtifact> model_;
  kernels::ml::FeatureStream features_;
  double prediction_ = std::numeric_limits<double>::quiet_NaN();
};

}  // namespace qg::live
