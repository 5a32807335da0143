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
  // The Mann-Whitney count: over the positives, the negatives scored below each, ties counting
  // one half. Both classes' scores are sorted on their own (two short sorts of doubles) and
  // walked together. The count is a sum of halves, exact in a double, and equals the positives'
  // rank sum less P (P + 1) / 2 of the tied-mid-rank definition, so the AUC is the same bits.
  std::vector<double> positives, negatives;
  positives.reserve(y.size());
  negatives.reserve(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) (y[i] > 0.5 ? positives : negatives).push_back(score[i]);
  if (positives.empty() || negatives.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(positives.begin(), positives.end());
  std::sort(negatives.begin(), negatives.end());
  double count = 0;
  std::size_t below = 0, not_above = 0;  // negatives < s, negatives <= s
  for (const double s : positives) {
    while (below < negatives.size() && negatives[below] < s) ++below;
    not_above = std::max(not_above, below);
    while (not_above < negatives.size() && negatives[not_above] == s) ++not_above;
    count += static_cast<double>(below) + 0.5 * static_cast<double>(not_above - below);
  }
  return count / (static_cast<double>(positives.size()) * static_cast<double>(negatives.size()));
}

}  // namespace qg::kernels::ml
