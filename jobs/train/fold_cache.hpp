#pragma once
// What every hyper-parameter set of one cross-validation split shares, computed once per split
// by whichever stage-0 task needs it first (docs/train.md, "Where the time goes"): the scaler of
// the split's training samples and, for ridge, the Gram pieces of the standardised training
// samples, from which each alpha is one p x p solve. An entry is a pure function of its split,
// so a task's result is the same bits whichever task, thread or rank filled the entry: results
// do not depend on chunking or on the rank count.
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

#include "qg/kernels/ml/linear_model.hpp"
#include "qg/kernels/ml/standardize.hpp"

namespace qg::jobs {

//! The shared part of the fits on one split's training samples.
struct FoldFit {
  kernels::ml::Scaler scaler;
  std::optional<kernels::ml::RidgeGram> ridge;  // ridge models only
};

class FoldCache {
 public:
  explicit FoldCache(std::size_t n_splits);

  //! Split k's entry, built by `make` on first use. Thread-safe: concurrent callers of the same
  //! split wait for one build; if `make` throws, the next caller builds it again.
  const FoldFit& get(std::size_t k, const std::function<FoldFit()>& make);
  std::size_t size() const { return n_splits_; }

 private:
  std::size_t n_splits_;
  std::unique_ptr<std::once_flag[]> once_;
  std::unique_ptr<std::optional<FoldFit>[]> entries_;
};

}  // namespace qg::jobs
