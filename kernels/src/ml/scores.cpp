// Prediction scores (scores.hpp).
#include "qg/kernels/ml/scores.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
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

//! The bits of a double as an unsigned key in the order of the values (negatives reversed and
//! below the positives; -0 just below +0, which compare equal as doubles). NaN is not ordered.
std::uint64_t order_key(double v) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof bits);
  return (bits >> 63) != 0 ? ~bits : bits | (std::uint64_t{1} << 63);
}

double from_key(std::uint64_t key) {
  const std::uint64_t bits = (key >> 63) != 0 ? key & ~(std::uint64_t{1} << 63) : ~key;
  double v = 0;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

//! Sorts v ascending: a least-significant-digit radix sort of the order keys, 8 bits a pass,
//! skipping the passes whose digit every key shares (the sign and most exponent bits of a
//! classifier's scores). Scores of a test fold are sorted in a few linear passes instead of
//! std::sort's mispredicted comparisons.
void sort_scores(std::vector<double>& v) {
  std::vector<std::uint64_t> keys(v.size()), spare(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) keys[i] = order_key(v[i]);
  for (int shift = 0; shift < 64; shift += 8) {
    std::size_t count[257] = {};
    for (const std::uint64_t k : keys) ++count[((k >> shift) & 0xff) + 1];
    if (std::find(count + 1, count + 257, keys.size()) != count + 257) continue;  // one digit for all
    for (int d = 0; d < 256; ++d) count[d + 1] += count[d];
    for (const std::uint64_t k : keys) spare[count[(k >> shift) & 0xff]++] = k;
    keys.swap(spare);
  }
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = from_key(keys[i]);
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
  // one half. Both classes' scores are sorted on their own (sort_scores, two radix sorts) and
  // walked together. The count is a sum of halves, exact in a double, and equals the positives'
  // rank sum less P (P + 1) / 2 of the tied-mid-rank definition, so the AUC is the same bits.
  std::vector<double> positives, negatives;
  positives.reserve(y.size());
  negatives.reserve(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) (y[i] > 0.5 ? positives : negatives).push_back(score[i]);
  if (positives.empty() || negatives.empty()) return std::numeric_limits<double>::quiet_NaN();
  sort_scores(positives);
  sort_scores(negatives);
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
