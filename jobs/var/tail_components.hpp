#pragma once
// Euler components of VaR and ES as sums over tail scenarios, so they can be accumulated where
// the scenarios are (each stage-2 task of the var job over its own) and added in task order:
// the coordinator never needs a tail scenario's per-position P&L for them (docs/var.md).
#include <cstdint>
#include <span>
#include <vector>

namespace qg::jobs {

//! The sums behind component VaR and ES at every level, for the K largest of n_total losses.
//! Per level, p component-ES sums (the Acerbi-Tasche weight of the scenario's loss rank times
//! each position's P&L) and p component-VaR sums (the positions' P&L over the ranks within
//! max(1, r/20) of the VaR rank r). A scenario adds to them by its 0-based loss rank alone, so
//! any partition of the tail, summed part by part in a fixed order, gives the figures.
class TailComponents {
 public:
  TailComponents(std::uint64_t n_total, std::span<const double> levels, std::uint64_t tail_rows, std::size_t positions);

  //! Doubles of a sum vector: 2 p per level.
  std::size_t width() const { return 2 * positions_ * windows_.size(); }
  //! Adds the scenario of 0-based loss rank `rank` with per-position P&L `pnl` (p values).
  void add(std::uint64_t rank, const double* pnl, std::span<double> sums) const;
  //! Component VaR [level][position], rescaled so each level's components sum to var[level].
  std::vector<std::vector<double>> component_var(std::span<const double> sums, std::span<const double> var) const;
  //! Component ES [level][position] (they sum to ES up to rounding).
  std::vector<std::vector<double>> component_es(std::span<const double> sums) const;

 private:
  struct Level {
    double a = 0;
    std::uint64_t lo = 0, hi = 0;  // the component-VaR window of 0-based ranks, inclusive
  };
  std::uint64_t n_total_;
  std::size_t positions_;
  std::vector<Level> windows_;
};

}  // namespace qg::jobs
