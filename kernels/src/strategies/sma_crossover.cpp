// sma_crossover(fast, slow): long while SMA_fast > SMA_slow; in long_short, short while below.
// SMA_w[t] = mean(close[t-w+1..t]); the signal is defined from t = max(fast, slow) - 1.
#include <algorithm>
#include <array>

#include "all.hpp"
#include "common.hpp"

namespace qg::kernels::detail {
namespace {

constexpr std::array<ParamDef, 2> kParams = {{{"fast", true, 1, 10000}, {"slow", true, 2, 10000}}};
constexpr std::array<int, 2> kWindowParams = {0, 1};

class SmaCrossover final : public Strategy {
 public:
  std::string_view kind() const override { return "sma_crossover"; }
  std::span<const ParamDef> params() const override { return kParams; }

  void positions(const PreparedSeries& series, const double* sets, int n_sets, PositionMode mode,
                 std::int8_t* pos_out) const override {
    const WindowColumns cols(sets, n_sets, 2, kWindowParams);
    const std::vector<double> table = sma_table(series, cols);
    crossover_positions(table.data(), cols.count(), cols, n_sets, series.size(), mode, pos_out);
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
  // Time-major SMA of every distinct window from the close prefix sums (0 before warm-up).
  static std::vector<double> sma_table(const PreparedSeries& series, const WindowColumns& cols) {
    const std::int64_t n = series.size();
    const int nw = cols.count();
    const double* prefix = series.close_prefix();
    std::vector<double> table(static_cast<std::size_t>(n * nw), 0.0);
    for (int i = 0; i < nw; ++i) {
      const int w = cols.window(i);
      const double inv_w = 1.0 / w;  // a multiply per bar instead of a divide; 1 ulp is far below the tie tolerance
      for (std::int64_t t = w - 1; t < n; ++t) table[t * nw + i] = (prefix[t + 1] - prefix[t + 1 - w]) * inv_w;
    }
    return table;
  }

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
