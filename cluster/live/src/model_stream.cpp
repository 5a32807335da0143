#include "qg/live/model_stream.hpp"

namespace qg::live {

ModelStream::ModelStream(std::shared_ptr<const ModelArtifact> model)
    : model_(std::move(model)), features_(model_->features) {}

std::int8_t ModelStream::decide(double /*high*/, double /*low*/, double close, std::int64_t /*t*/) {
  const auto row = features_.step(close);
  prediction_ = model_->predict(row.data());
  return std::isnan(prediction_) ? std::int8_t{0} : model_->position(prediction_);
}

}  // namespace qg::live
