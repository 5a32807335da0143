// Prediction scores (scores.hpp).
#include "qg/kernels/ml/scores.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>
#include <vector>

#include "qg/core/error.hpp"

namespace qg::kernels::ml {
namespace {

void require_same(std::span<const double> a, std::span<const double> b) {
  if (a.size() != b.size() || a.empty()) throw KernelError("scores: labels and predictions must be equal, non-empty");
}

}  // namespace

double mse(std::span<const double> y, std::span<const double> pred) {
  require_same(y, pred);
  double s = 0;
  for (std::size_t i = 0; i < y.size(); ++i) s += (y[i] - pred[i]) * (y[i] - pred[i]);
  return s / static_cast<double>(y.size());
}

double r2(std::span<const double> y, std::span<const double> pred) {
  require_same(y, pred);
  const double mean = std::accumulate(y.begin(), y.end(), 0.0) / static_cast<double>(y.size());
  double res = 0, tot = 0;
  for (std::size_t i = 0; i < y.size(); ++i)
    res += (y[i] - pred[i]) * (y[i] - pred[i]), tot += (y[i] - mean) * (y[i] - mean);
  if (tot == 0) return res == 0 ? 1.0 : 0.0;
  return 1.0 - res / tot;
}

double log_loss(std::span<const double> y, std::span<const double> prob) {
  require_same(y, prob);
  double s = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double p = std::clamp(prob[i], DBL_EPSILON, 1.0 - DBL_EPSILON);
    s -= y[i] * std::log(p) + (1.0 - y[i]) * std::log(1.0 - p);
  }
  return s / static_cast<double>(y.size());
}

double accuracy(std::span<const double> y, std::span<const double> decision) {
  require_same(y, decision);
  std::size_t hits = 0;
  for (std::size_t i = 0; i < y.size(); ++i) hits += (decision[i] > 0 ? 1.0 : 0.0) == y[i] ? 1 : 0;
  return static_cast<double>(hits) / static_cast<double>(y.size());
}

double roc_auc(std::span<const double> y, std::span<const double> score) {
  require_same(y, score);
  // (score, label) pairs sorted by score; the order within a run of equal scores is irrelevant:
  // every positive of the run adds the same mid-rank.
  std::vector<std::pair<double, double>> by_score(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) by_score[i] = {score[i], y[i]};
  std::sort(by_score.begin(), by_score.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  double rank_sum = 0, positives = 0;
  for (std::size_t i = 0; i < by_score.size();) {
    std::size_t j = i;
    while (j < by_score.size() && by_score[j].first == by_score[i].first) ++j;
    const double mid_rank = 0.5 * static_cast<double>(i + 1 + j);  // average of ranks i+1..j
    for (std::size_t k = i; k < j; ++k)
      if (by_score[k].second > 0.5) rank_sum += mid_rank, positives += 1;
    i = j;
  }
  const double negatives = static_cast<double>(y.size()) - positives;
  if (positives == 0 || negatives == 0) return std::numeric_limits<double>::quiet_NaN();
  return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

}  // namespace qg::kernels::ml
