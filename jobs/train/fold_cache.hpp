#pragma once
// What every hyper-parameter set of one cross-validation split shares, computed once per split
// by whichever stage-0 task needs it first (docs/train.md, "Models and objectives"): the scaler
// of the split's training samples; for ridge, the Gram pieces of the standardised training
// samples, from which each alpha is one p x p solve; for logistic, the C-independent first
// Newton system and (up to kMaxCachedDesignBytes) the standardised design [x, 1] with its
// labels, which every C's fit reads instead of gathering and standardising its own copy. It also keeps every fit made
// on the split (a few doubles each), so that stage 1's out-of-fold refit of the chosen set on split k is stage 0's fit
// of that set when both ran in this process. An entry is a pure function of its split, so a task's result is the same
// bits whichever task, thread or rank filled the entry: results do not depend on chunking or
// on the rank count.
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "qg/kernels/ml/linear_model.hpp"
#include "qg/kernels/ml/standardize.hpp"

namespace qg::jobs {

//! A split's logistic design is kept for its fits up to this size (a few folds of it stay in
//! memory for the whole stage); a larger one is built by each fit again, as a fit on its own does.
inline constexpr std::size_t kMaxCachedDesignBytes = std::size_t{64} << 20;

//! The shared part of the fits on one split's training samples.
struct FoldFit {
  kernels::ml::Scaler scaler;
  std::optional<kernels::ml::RidgeGram> ridge;         // ridge models only
  std::optional<kernels::ml::LogisticStart> logistic;  // logistic models only
  Eigen::MatrixXd design;                              // logistic: [standardised x, 1], or empty
  Eigen::VectorXd labels;                              // the labels of design's rows
};

class FoldCache {
 public:
  explicit FoldCache(std::size_t n_splits);

  //! Split k's entry, built by `make` on first use. Thread-safe: concurrent callers of the same
  //! split wait for one build; if `make` throws, the next caller builds it again.
  const FoldFit& get(std::size_t k, const std::function<FoldFit()>& make);
  //! The fit of hyper-parameter set `set` on split k: `make`'s result, kept from its first use.
  //! Thread-safe; two tasks asking at once may both run `make` (the same bits) and one is kept.
  kernels::ml::LinearFit fit(std::size_t k, std::size_t set, const std::function<kernels::ml::LinearFit()>& make);
  std::size_t size() const { return n_splits_; }

 private:
  struct Fits {
    std::mutex mutex;
    std::map<std::size_t, kernels::ml::LinearFit> by_set;
  };

  std::size_t n_splits_;
  std::unique_ptr<std::once_flag[]> once_;
  std::unique_ptr<std::optional<FoldFit>[]> entries_;
  std::unique_ptr<Fits[]> fits_;
};

}  // namespace qg::jobs
