// momentum(lookback): long while close[t] > close[t-L]; in long_short, short while below.
// Defined from t = L.
#include <algorithm>
#include <array>

#include "all.hpp"
#include "qg/core/error.hpp"
#include "common.hpp"
#include "fused.hpp"

namespace qg::kernels {
inline namespace QG_KERNEL_TARGET_NS {
namespace detail {
namespace {

constexpr std::array<ParamDef, 1> kParams = {{{"lookback", true, 1, 10000}}};

// The group function of the rule (as sweep_rows takes it); `lookback` outlives it.
auto rule(const PreparedSeries& series, const std::vector<std::int32_t>& lookback, PositionMode mode) {
  const double* c = series.close();
  const VecD below = simd::splat(mode == PositionMode::kLongShort ? -1.0 : 0.0);
  return [c, below, &lookback](std::int64_t t, int j0, VecD) {
    // The lagged close is gathered at an index clamped to 0 and masked before t = L.
    const simd::VecI32 lb = simd::load_i32(lookback.data() + j0);
    const simd::VecI32 lag = simd::splat_i32(static_cast<std::int32_t>(t)) - lb;
    const VecD now = simd::splat(c[t]), then = simd::gather(c, lag < 0 ? simd::VecI32{} : lag);
    VecD p = simd::select(less(now, then), below, VecD{});
    p = simd::select(greater(now, then), simd::splat(1.0), p);
    return simd::select(simd::splat(static_cast<double>(t)) >= __builtin_convertvector(lb, VecD), p, VecD{});
  };
}

class Momentum final : public Strategy {
 public:
  std::string_view kind() const override { return "momentum"; }
  std::int64_t first_signal_bar(std::span<const double> set) const override { return window_param(set, 0); }
  std::span<const ParamDef> params() const override { return kParams; }

  void positions_range(const PreparedSeries& series, const double* sets, int n_sets, PositionMode mode, BarRange bars,
                       std::int8_t* pos_out) const override {
    check_block(series, n_sets, bars, "momentum");
    const std::vector<std::int32_t> lookback = lookbacks(sets, n_sets);
    sweep_groups(n_sets, bars, pos_out, rule(series, lookback, mode));
  }

  // The whole history, the rule inside the backtest loop.
  void evaluate(const PreparedSeries& series, const double* sets, int n_sets, PositionMode mode, double cost_per_unit,
                double* metrics_out, std::vector<std::int8_t>& scratch) const override {
    (void)scratch;
    check_block(series, n_sets, {0, series.size()}, "momentum");
    const std::vector<std::int32_t> lookback = lookbacks(sets, n_sets);
    fused_groups(series, n_sets, cost_per_unit, metrics_out, rule(series, lookback, mode));
  }

  std::vector<std::int8_t> positions_ref(const PreparedSeries& series, std::span<const double> set,
                                         PositionMode mode) const override {
    const int lookback = window_param(set, 0);
    const std::int64_t n = series.size();
    const double* c = series.close();
    std::vector<std::int8_t> pos(static_cast<std::size_t>(n), 0);
    for (std::int64_t t = lookback; t < n; ++t) {
      if (greater(c[t], c[t - lookback]))
        pos[t] = 1;
      else if (mode == PositionMode::kLongShort && less(c[t], c[t - lookback]))
        pos[t] = -1;
    }
    return pos;
  }

 private:
  // The lookback of every set, padded to whole lane groups. Throws KernelError below 1.
  static std::vector<std::int32_t> lookbacks(const double* sets, int n_sets) {
    std::vector<std::int32_t> lookback = int_params(sets, n_sets, 1, 0);
    if (n_sets > 0 && *std::min_element(lookback.begin(), lookback.end()) < 1)
      throw KernelError("momentum: lookback below 1");
    return lookback;
  }
};

}  // namespace

const Strategy& momentum_strategy() {
  static const Momentum instance;
  return instance;
}

}  // namespace detail
}  // namespace QG_KERNEL_TARGET_NS
}  // namespace qg::kernels
