// ema_crossover(fast, slow): long while EMA_fast > EMA_slow; in long_short, short while below.
// alpha = 2/(w+1), EMA[0] = close[0], EMA[t] = alpha*close[t] + (1-alpha)*EMA[t-1]; the signal
// is defined (warm-up over) from t = max(fast, slow) - 1.
#include <algorithm>
#include <array>

#include "all.hpp"
#include "common.hpp"
#include "fused.hpp"

namespace qg::kernels {
inline namespace QG_KERNEL_TARGET_NS {
namespace detail {
namespace {

constexpr std::array<ParamDef, 2> kParams = {{{"fast", true, 1, 10000}, {"slow", true, 2, 10000}}};
constexpr std::array<int, 2> kWindowParams = {0, 1};

class EmaCrossover final : public Strategy {
 public:
  std::string_view kind() const override { return "ema_crossover"; }
  std::int64_t first_signal_bar(std::span<const double> set) const override {
    return std::max(window_param(set, 0), window_param(set, 1)) - 1;
  }
  std::span<const ParamDef> params() const override { return kParams; }

  // The EMA recursion runs from bar 0; only the rows of the range are stored.
  void positions_range(const PreparedSeries& series, const double* sets, int n_sets, PositionMode mode, BarRange bars,
                       std::int8_t* pos_out) const override {
    check_block(series, n_sets, bars, "ema_crossover");
    const WindowColumns cols(sets, n_sets, 2, kWindowParams);
    const std::vector<double> table = ema_table(series, cols, bars);
    crossover_positions(table.data(), cols.count(), cols, n_sets, bars, mode, pos_out);
  }

  // The whole history with each lane's two EMA recursions run inside the fused loop: no table
  // and no gather. Each lane computes the table's expression (ema_next), so the values are the
  // table's.
  void evaluate(const PreparedSeries& series, const double* sets, int n_sets, PositionMode mode, double cost_per_unit,
                double* metrics_out, std::vector<std::int8_t>& scratch) const override {
    (void)scratch;
    check_block(series, n_sets, {0, series.size()}, "ema_crossover");
    const std::vector<double> fast = alphas(sets, n_sets, 0), slow = alphas(sets, n_sets, 1);
    const std::vector<double> start = WindowColumns(sets, n_sets, 2, kWindowParams).start_bars(1);
    const double* c = series.close();
    const VecD below = simd::splat(mode == PositionMode::kLongShort ? -1.0 : 0.0);
    VecD ef{}, es{};  // the group's EMAs at the previous bar; bar 0 starts them at close[0]
    fused_groups(series, n_sets, cost_per_unit, metrics_out, [&](std::int64_t t, int j0, VecD) {
      const VecD close = simd::splat(c[t]);
      ef = t == 0 ? close : ema_next(simd::load(fast.data() + j0), close, ef);
      es = t == 0 ? close : ema_next(simd::load(slow.data() + j0), close, es);
      VecD p = simd::select(less(ef, es), below, VecD{});
      p = simd::select(greater(ef, es), simd::splat(1.0), p);
      return simd::select(simd::splat(static_cast<double>(t)) >= simd::load(start.data() + j0), p, VecD{});
    });
  }

  std::vector<std::int8_t> positions_ref(const PreparedSeries& series, std::span<const double> set,
                                         PositionMode mode) const override {
    const int fast = window_param(set, 0), slow = window_param(set, 1);
    const std::vector<double> ef = ema(series, fast), es = ema(series, slow);
    const std::int64_t n = series.size();
    std::vector<std::int8_t> pos(static_cast<std::size_t>(n), 0);
    for (std::int64_t t = std::max(fast, slow) - 1; t < n; ++t) {
      if (greater(ef[t], es[t]))
        pos[t] = 1;
      else if (mode == PositionMode::kLongShort && less(ef[t], es[t]))
        pos[t] = -1;
    }
    return pos;
  }

 private:
  // One step of the EMA recursion, for one window (double) or a lane group (VecD).
  template <class T>
  static T ema_next(T alpha, T close, T prev) {
    return alpha * close + (1.0 - alpha) * prev;
  }

  // alpha = 2/(w+1) of window parameter p of every set, padded to whole lane groups.
  static std::vector<double> alphas(const double* sets, int n_sets, int p) {
    const std::vector<std::int32_t> w = int_params(sets, n_sets, 2, p);
    std::vector<double> a(w.size());
    for (std::size_t j = 0; j < w.size(); ++j) a[j] = 2.0 / (w[j] + 1.0);
    return a;
  }

  // Time-major EMA of every distinct window for the bars of `bars` (row t - bars.begin); the
  // inner loop runs across windows, so the recursion of each window overlaps with the others'.
  static std::vector<double> ema_table(const PreparedSeries& series, const WindowColumns& cols, BarRange bars) {
    const int nw = cols.count();
    const double* c = series.close();
    std::vector<double> alpha(static_cast<std::size_t>(nw));
    for (int i = 0; i < nw; ++i) alpha[i] = 2.0 / (cols.window(i) + 1.0);
    std::vector<double> table(static_cast<std::size_t>(bars.size() * nw));
    std::vector<double> prev(static_cast<std::size_t>(nw), c[0]), cur(prev.size());
    if (bars.begin == 0 && !bars.empty()) std::copy(prev.begin(), prev.end(), table.begin());
    for (std::int64_t t = 1; t < bars.end; ++t) {
      for (int i = 0; i < nw; ++i) cur[i] = ema_next(alpha[i], c[t], prev[i]);
      std::swap(prev, cur);
      if (t >= bars.begin) std::copy(prev.begin(), prev.end(), table.begin() + (t - bars.begin) * nw);
    }
    return table;
  }

  // EMA of one window over the whole series.
  static std::vector<double> ema(const PreparedSeries& series, int w) {
    const double alpha = 2.0 / (w + 1.0);
    const double* c = series.close();
    std::vector<double> e(static_cast<std::size_t>(series.size()));
    e[0] = c[0];
    for (std::size_t t = 1; t < e.size(); ++t) e[t] = alpha * c[t] + (1.0 - alpha) * e[t - 1];
    return e;
  }
};

}  // namespace

const Strategy& ema_crossover_strategy() {
  static const EmaCrossover instance;
  return instance;
}

}  // namespace detail
}  // namespace QG_KERNEL_TARGET_NS
}  // namespace qg::kernels
