#pragma once
// Prefix tables of a series' returns for the sweep's run backtest (kernels/src/backtest_runs.hpp):
// the sums over any run of bars are differences of prefix sums, and a run's growth is a ratio of
// prefix products. Built once per series (PreparedSeries::run_tables()) over the return bars
// [1, T), so every range of the history reads the same tables and gives the same bits.
#include <cstdint>
#include <vector>

namespace qg::kernels {

class RunTables {
 public:
  RunTables() = default;
  //! Tables of the returns r[first..last-1].
  RunTables(const double* r, std::int64_t first, std::int64_t last);

  //! Sum over bars [a, c) of r, of r^2, of min(r,0)^2 (sign > 0) or max(r,0)^2 (sign < 0).
  double sum(std::int64_t a, std::int64_t c) const { return at(sum_, c) - at(sum_, a); }
  double squares(std::int64_t a, std::int64_t c) const { return at(sq_, c) - at(sq_, a); }
  double downside(double sign, std::int64_t a, std::int64_t c) const {
    const std::vector<double>& d = sign > 0.0 ? down_long_ : down_short_;
    return at(d, c) - at(d, a);
  }
  //! g[t - first()] = prod over bars first()..t of (1 + sign*r): the growth of bars (a, t] is
  //! g[t - first()] / g[a - first()].
  const double* growth(double sign) const { return (sign > 0.0 ? growth_long_ : growth_short_).data(); }
  std::int64_t first() const { return first_; }
  //! False when a prefix product left [1e-280, 1e280]: runs then multiply their bars directly.
  bool growth_ok() const { return growth_ok_; }
  //! The bars with r >= 1 (a short position held over them is ruined), ascending.
  const std::vector<std::int64_t>& short_ruin_bars() const { return short_ruin_; }

 private:
  double at(const std::vector<double>& v, std::int64_t t) const { return v[static_cast<std::size_t>(t - first_)]; }

  std::int64_t first_ = 0;
  std::vector<double> sum_, sq_, down_long_, down_short_;  // entry t - first: bars [first, t)
  std::vector<double> growth_long_, growth_short_;         // entry t - first: bars [first, t]
  std::vector<std::int64_t> short_ruin_;
  bool growth_ok_ = true;
};

}  // namespace qg::kernels
