// sma_crossover(fast, slow): long while SMA_fast > SMA_slow; in long_short, short while below.
// SMA_w[t] = mean(close[t-w+1..t]); the signal is defined from t = max(fast, slow) - 1.
#include <algorithm>
#include <array>

#include "all.hpp"
#include "common.hpp"
#include "qg/error.hpp"

namespace qg::kernels::detail {
namespace {

constexpr std::array<ParamDef, 2> kParams = {{{"fast", true, 1, 10000}, {"slow", true, 2, 10000}}};

class SmaCrossover final : public Strategy {
 public:
  std::string_view kind() const override { return "sma_crossover"; }
  std::span<const ParamDef> params() const override { return kParams; }

  // Each lane's averages come straight from the close prefix sums, (P[t+1] - P[t+1-w]) / w,
  // gathered from the few hundred prefix entries behind bar t (they stay in L1). A per-block
  // table of every distinct window would be rebuilt for every block and outgrow the L2 cache.
  void positions(const PreparedSeries& series, const double* sets, int n_sets, PositionMode mode,
                 std::int8_t* pos_out) const override {
    const std::vector<std::int32_t> fast = int_params(sets, n_sets, 2, 0), slow = int_params(sets, n_sets, 2, 1);
    if (*std::min_element(fast.begin(), fast.end()) < 1 || *std::min_element(slow.begin(), slow.end()) < 1)
      throw KernelError("sma_crossover: window below 1");
    std::vector<std::int32_t> neg_fast(fast.size()), neg_slow(slow.size());
    std::vector<double> inv_fast(fast.size()), inv_slow(slow.size()), start(fast.size());
    for (std::size_t j = 0; j < fast.size(); ++j) {
      neg_fast[j] = -fast[j];
      neg_slow[j] = -slow[j];
      inv_fast[j] = 1.0 / fast[j];  // a multiply per bar instead of a divide; 1 ulp is far below the tie tolerance
      inv_slow[j] = 1.0 / slow[j];
      start[j] = std::max(fast[j], slow[j]) - 1;
    }
    const double* prefix = series.close_prefix();
    const VecD below = simd::splat(mode == PositionMode::kLongShort ? -1.0 : 0.0);
    sweep_groups(n_sets, series.size(), pos_out, [&](std::int64_t t, int j0, VecD) {
      const double* end = prefix + t + 1;  // P[t+1]
      // Offsets reaching before P[0] (warm-up lanes) are clamped; those lanes are flat anyway.
      const simd::VecI32 floor = simd::splat_i32(static_cast<std::int32_t>(-(t + 1)));
      const simd::VecI32 of = simd::load_i32(neg_fast.data() + j0), os = simd::load_i32(neg_slow.data() + j0);
      const VecD x = (*end - simd::gather(end, of > floor ? of : floor)) * simd::load(inv_fast.data() + j0);
      const VecD y = (*end - simd::gather(end, os > floor ? os : floor)) * simd::load(inv_slow.data() + j0);
      VecD p = simd::select(less(x, y), below, VecD{});
      p = simd::select(greater(x, y), simd::splat(1.0), p);
      return simd::select(simd::splat(static_cast<double>(t)) >= simd::load(start.data() + j0), p, VecD{});
    });
  }

  std::vector<std::int8_t> positions_ref(const PreparedSeries& series, std::span<const double> set,
                                         PositionMode mode) const override {
    const int fast = window_param(set, 0), slow = window_param(set, 1);
    const std::int64_t n = series.size();
    const double* c = series.close();
    std::vector<std::int8_t> pos(static_cast<std::size_t>(n), 0);
    for (std::int64_t t = std::max(fast, slow) - 1; t < n; ++t) {
      const double f = direct_mean(c, t, fast), s = direct_mean(c, t, slow);
      if (greater(f, s)) pos[t] = 1;
      else if (mode == PositionMode::kLongShort && less(f, s)) pos[t] = -1;
    }
    return pos;
  }

 private:
  // Mean of close[t-w+1..t] by a direct loop.
  static double direct_mean(const double* c, std::int64_t t, int w) {
    double sum = 0.0;
    for (std::int64_t i = t - w + 1; i <= t; ++i) sum += c[i];
    return sum / w;
  }
};

}  // namespace

const Strategy& sma_crossover_strategy() {
  static const SmaCrossover instance;
  return instance;
}

}  // namespace qg::kernels::detail
