#pragma once
// Strategies turn one symbol's bars and a block of parameter sets into position paths.
// Adding a strategy is one file in kernels/src/strategies/ and one line in registry.cpp.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qg/kernels/bar_range.hpp"
#include "qg/kernels/series.hpp"

namespace qg::kernels {

enum class PositionMode : std::uint8_t { kLongFlat, kLongShort };

//! One parameter of a strategy: its name, whether it takes integer values, and the closed
//! range of admissible values.
struct ParamDef {
  std::string_view name;
  bool integer;
  double min;
  double max;
};

//! A trading rule, vectorized over parameter sets. Implementations are stateless and
//! thread-safe: every method is const and touches only its arguments.
class Strategy {
 public:
  virtual ~Strategy() = default;
  //! Spec name, e.g. "sma_crossover".
  virtual std::string_view kind() const = 0;
  //! The parameters, in the order a parameter set lists them.
  virtual std::span<const ParamDef> params() const = 0;
  //! True when the rule reads high and low prices, not only closes (it cannot run on a symbol
  //! whose store holds closes only).
  virtual bool reads_high_low() const { return false; }
  //! Empty when the set is usable, else why not (beyond the ranges of params(), e.g. "lower
  //! must be < upper"). Range and integrality are checked by the caller from params().
  virtual std::string invalid_reason(std::span<const double> set) const {
    (void)set;
    return {};
  }
  //! The first bar whose position `set` defines; every earlier bar is warm-up (flat). A
  //! position decided there is first held over return bar first_signal_bar + 1.
  virtual std::int64_t first_signal_bar(std::span<const double> set) const = 0;
  //! Positions of `n_sets` parameter sets (set-major, n_sets * params().size() values) on one
  //! series. pos_out is time-major: pos_out[t * n_sets + j] in {-1, 0, 1} (never -1 in
  //! kLongFlat). Bars where the indicator is undefined are flat. The range [0, T) of
  //! positions_range.
  void positions(const PreparedSeries& series, const double* sets, int n_sets, PositionMode mode,
                 std::int8_t* pos_out) const;
  //! The rows of positions() for the decided bars t in `bars` (0 <= begin <= end <= T), bit for
  //! bit: pos_out[(t - bars.begin) * n_sets + j]. Positions stay the full-history causal ones
  //! (warm-up from bar 0); the work is proportional to the range plus the look-back the rule
  //! needs, except for recursive indicators, which run their recursion from bar 0 and store only
  //! the range. Throws KernelError on a range outside the series.
  virtual void positions_range(const PreparedSeries& series, const double* sets, int n_sets, PositionMode mode,
                               BarRange bars, std::int8_t* pos_out) const = 0;
  //! Metrics of `n_sets` parameter sets over the whole history (metrics_out set-major,
  //! n_sets * kNumMetrics): bit for bit what positions() then backtest_metrics() give. The
  //! default does exactly that through `scratch` (reused between calls); the strategies
  //! override it with their rule fused into the backtest loop, so no position row is stored.
  virtual void evaluate(const PreparedSeries& series, const double* sets, int n_sets, PositionMode mode,
                        double cost_per_unit, double* metrics_out, std::vector<std::int8_t>& scratch) const;
  //! Plain-loop reference of positions() for one parameter set (series.size() entries).
  virtual std::vector<std::int8_t> positions_ref(const PreparedSeries& series, std::span<const double> set,
                                                 PositionMode mode) const = 0;
  //! Plain reference of positions_range for one parameter set: entries bars.begin..bars.end-1
  //! of positions_ref.
  std::vector<std::int8_t> positions_range_ref(const PreparedSeries& series, std::span<const double> set,
                                               PositionMode mode, BarRange bars) const;
};

//! The strategy registered under `kind`, or nullptr.
const Strategy* find_strategy(std::string_view kind);
//! All registered kinds, sorted.
std::vector<std::string_view> strategy_kinds();

//! Positions then metrics for a block of parameter sets: metrics_out is set-major
//! (n_sets * kNumMetrics), through strategy.evaluate(). `scratch` is reused between calls to
//! avoid allocation (the fused strategies do not need it).
void evaluate_block(const Strategy& strategy, const PreparedSeries& series, const double* sets, int n_sets,
                    PositionMode mode, double cost_per_unit, double* metrics_out, std::vector<std::int8_t>& scratch);

}  // namespace qg::kernels
