#pragma once
// A fixed-size histogram of scenario P&L for the var job (/var/pnl_histogram, docs/hdf5-schema.md).
// The bin edges are decided from the spec before any scenario is simulated (the book's
// delta-normal scale), so every batch counts into the same bins and the run's histogram is the
// sum of the batches' integer counts: the same for any rank count, chunk size or task order.
#include <cstddef>
#include <span>
#include <vector>

namespace qg::jobs {

struct VarSetup;

class PnlHistogram {
 public:
  static constexpr std::size_t kBins = 100;
  //! The bins span the delta-normal mean P&L +- this many delta-normal standard deviations.
  static constexpr double kHalfWidthSigmas = 8.0;

  //! kBins equal bins over [lower, upper); upper > lower, both finite.
  PnlHistogram(double lower, double upper, std::size_t bins = kBins);
  //! The bins of a var run: centre m = d'mu, half width 8 sqrt(d' Sigma d), with d the book's
  //! delta exposure per asset and mu, Sigma the horizon mean and covariance (half width 1 when
  //! that scale is zero or not finite).
  static PnlHistogram for_setup(const VarSetup& setup);

  std::size_t bins() const { return bins_; }
  //! Doubles of one batch's counts: one per bin, then below lower, then at or above upper.
  std::size_t width() const { return bins_ + 2; }
  //! Edge i (0..bins): lower + i (upper - lower) / bins; edge(bins) is upper.
  double edge(std::size_t i) const;
  double lower() const { return lower_; }
  double upper() const { return upper_; }

  //! Counts of the P&L -loss of each of `losses` into `counts` (width() doubles, zeroed first):
  //! bin i holds edge(i) <= P&L < edge(i + 1); NaN losses are not counted.
  void count(std::span<const double> losses, std::span<double> counts) const;

 private:
  std::size_t bin_of(double pnl) const;

  double lower_, upper_;
  std::size_t bins_;
};

//! The same counts by a plain scan of the edges (the reference of PnlHistogram::count).
void count_pnl_ref(const PnlHistogram& h, std::span<const double> losses, std::span<double> counts);

}  // namespace qg::jobs
