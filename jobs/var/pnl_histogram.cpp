// Fixed-edge scenario P&L histogram of the var job.
#include "var/pnl_histogram.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "qg/core/error.hpp"
#include "var/var_spec.hpp"

namespace qg::jobs {

PnlHistogram::PnlHistogram(double lower, double upper, std::size_t bins) : lower_(lower), upper_(upper), bins_(bins) {
  QG_CHECK(std::isfinite(lower) && std::isfinite(upper) && upper > lower && bins > 0,
           "P&L histogram: bad range [" + std::to_string(lower) + ", " + std::to_string(upper) + ")");
}

PnlHistogram PnlHistogram::for_setup(const VarSetup& setup) {
  const Eigen::VectorXd d = setup.book.delta_exposure();
  const double centre = d.dot(setup.mean);
  double half = kHalfWidthSigmas * std::sqrt(d.dot(setup.cov * d));
  if (!std::isfinite(centre)) return {-1.0, 1.0};
  if (!std::isfinite(half) || half <= 0) half = 1.0;
  return {centre - half, centre + half};
}

double PnlHistogram::edge(std::size_t i) const {
  if (i >= bins_) return upper_;
  return lower_ + static_cast<double>(i) * ((upper_ - lower_) / static_cast<double>(bins_));
}

//! The bin whose edges hold `pnl` (lower <= pnl < upper): the division's guess, moved to agree
//! with edge() where rounding puts a value on the wrong side of an edge.
std::size_t PnlHistogram::bin_of(double pnl) const {
  const double guess = std::floor((pnl - lower_) / ((upper_ - lower_) / static_cast<double>(bins_)));
  auto i = static_cast<std::size_t>(std::clamp(guess, 0.0, static_cast<double>(bins_ - 1)));
  while (i > 0 && pnl < edge(i)) --i;
  while (i + 1 < bins_ && pnl >= edge(i + 1)) ++i;
  return i;
}

void PnlHistogram::count(std::span<const double> losses, std::span<double> counts) const {
  QG_CHECK(counts.size() == width(), "P&L histogram: counts of the wrong width");
  std::fill(counts.begin(), counts.end(), 0.0);
  for (const double loss : losses) {
    const double pnl = -loss;
    if (std::isnan(pnl)) continue;
    if (pnl < lower_) {
      counts[bins_] += 1;
    } else if (pnl >= upper_) {
      counts[bins_ + 1] += 1;
    } else {
      counts[bin_of(pnl)] += 1;
    }
  }
}

void count_pnl_ref(const PnlHistogram& h, std::span<const double> losses, std::span<double> counts) {
  std::fill(counts.begin(), counts.end(), 0.0);
  for (const double loss : losses) {
    const double pnl = -loss;
    if (std::isnan(pnl)) continue;
    std::size_t slot = h.bins() + 1;  // at or above the last edge
    if (pnl < h.edge(0)) slot = h.bins();
    for (std::size_t i = 0; i < h.bins() && slot == h.bins() + 1; ++i)
      if (pnl >= h.edge(i) && pnl < h.edge(i + 1)) slot = i;
    counts[slot] += 1;
  }
}

}  // namespace qg::jobs
