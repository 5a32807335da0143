// bollinger(window, k): mean reversion around m = SMA_window with s = population std of the same
// window, defined from t = window - 1. Each bar first applies exits from the current state
// (long -> flat when close >= m, i.e. not close < m; short -> flat when close <= m), then entries
// from the resulting state when flat (long when close < m - k*s; long_short: short when
// close > m + k*s). A position persists otherwise.
#include <algorithm>
#include <array>
#include <cmath>

#include "all.hpp"
#include "common.hpp"
#include "fused.hpp"

namespace qg::kernels {
inline namespace QG_KERNEL_TARGET_NS {
namespace detail {
namespace {

constexpr std::array<ParamDef, 2> kParams = {{{"window", true, 2, 10000}, {"k", false, 0.1, 10}}};
constexpr std::array<int, 1> kWindowParams = {0};
//! Bars looked back first for a bar that forces the position (doubled as needed).
constexpr std::int64_t kLookback = 64;

//! One bar of the band rule for 8 sets in positions p, given close c, means m, half-widths ks.
inline VecD band_step(VecD p, VecD c, VecD m, VecD ks, Mask short_ok) {
  const VecD zero{}, one = simd::splat(1.0);
  p = simd::select((p == one) & ~less(c, m), zero, p);
  p = simd::select((p == -one) & ~greater(c, m), zero, p);
  p = simd::select((p == zero) & less(c, m - ks), one, p);
  p = simd::select((p == zero) & short_ok & greater(c, m + ks), -one, p);
  return p;
}

class Bollinger final : public Strategy {
 public:
  std::string_view kind() const override { return "bollinger"; }
  std::int64_t first_signal_bar(std::span<const double> set) const override { return window_param(set, 0) - 1; }
  std::span<const ParamDef> params() const override { return kParams; }

  // The band state persists, so a range first replays each lane from the latest bar before it
  // where its position was forced (sweep_with_state); the bands cover only the bars replayed
  // and the range, plus the start of their anchor blocks.
  void positions_range(const PreparedSeries& series, const double* sets, int n_sets, PositionMode mode, BarRange bars,
                       std::int8_t* pos_out) const override {
    check_block(series, n_sets, bars, "bollinger");
    with_rule(series, sets, n_sets, mode,
              [&](auto&& make_group) { sweep_with_state(n_sets, bars, mode, pos_out, kLookback, make_group); });
  }

  // The whole history from a flat book: the tables are built once for the block and the rule
  // runs inside the backtest loop.
  void evaluate(const PreparedSeries& series, const double* sets, int n_sets, PositionMode mode, double cost_per_unit,
                double* metrics_out, std::vector<std::int8_t>& scratch) const override {
    (void)scratch;
    check_block(series, n_sets, {0, series.size()}, "bollinger");
    with_rule(series, sets, n_sets, mode, [&](auto&& make_group) {
      fused_groups(series, n_sets, cost_per_unit, metrics_out, make_group(BarRange{0, series.size()}));
    });
  }

  std::vector<std::int8_t> positions_ref(const PreparedSeries& series, std::span<const double> set,
                                         PositionMode mode) const override {
    const int w = window_param(set, 0);
    const double k = set[1];
    const std::int64_t n = series.size();
    const double* c = series.close();
    std::vector<std::int8_t> pos(static_cast<std::size_t>(n), 0);
    int p = 0;
    for (std::int64_t t = w - 1; t < n; ++t) {
      double sum = 0.0;
      for (std::int64_t i = t - w + 1; i <= t; ++i) sum += c[i];
      const double m = sum / w;
      double ss = 0.0;
      for (std::int64_t i = t - w + 1; i <= t; ++i) ss += (c[i] - m) * (c[i] - m);
      const double s = std::sqrt(ss / w);
      if (p == 1 && !less(c[t], m)) p = 0;
      if (p == -1 && !greater(c[t], m)) p = 0;
      if (p == 0 && less(c[t], m - k * s))
        p = 1;
      else if (p == 0 && mode == PositionMode::kLongShort && greater(c[t], m + k * s))
        p = -1;
      pos[t] = static_cast<std::int8_t>(p);
    }
    return pos;
  }

 private:
  // Builds the rule of a block and hands use() its make_group(rows): the tables of the bars
  // `rows` and the group function over them (sweep_with_state's contract).
  template <class Use>
  static void with_rule(const PreparedSeries& series, const double* sets, int n_sets, PositionMode mode, Use&& use) {
    const WindowColumns cols(sets, n_sets, 2, kWindowParams);
    const int nw = cols.count();
    const std::vector<double> k = real_params(sets, n_sets, 2, 1);
    const std::vector<double> start = cols.start_bars(1);
    const Mask short_ok = Mask{} - (mode == PositionMode::kLongShort ? 1 : 0);
    use([&](BarRange rows) {
      std::vector<double> mean(static_cast<std::size_t>(rows.size() * nw), 0.0), sd(mean.size(), 0.0);
      for (int i = 0; i < nw; ++i)
        rolling_mean_std(series.close(), rows, cols.window(i), i, nw, mean.data(), sd.data());
      // A group whose lanes share one window (a grid's k values of one window) reads its mean and
      // std once and broadcasts them instead of gathering the same column four (eight) times.
      std::vector<char> shared(static_cast<std::size_t>(group_count(n_sets)), 0);
      for (std::size_t g = 0; g < shared.size(); ++g) {
        const std::int32_t* c = cols.columns(0).data() + g * kWidth;
        shared[g] = std::all_of(c, c + kWidth, [c](std::int32_t x) { return x == c[0]; }) ? 1 : 0;
      }
      return [&, first = rows.begin, mean = std::move(mean), sd = std::move(sd), shared = std::move(shared)](
                 std::int64_t t, int j0, VecD prev) {
        const std::int32_t* cj = cols.columns(0).data() + j0;
        const double* mrow = mean.data() + (t - first) * nw;
        const double* srow = sd.data() + (t - first) * nw;
        const bool one = shared[static_cast<std::size_t>(j0 / kWidth)] != 0;
        const VecD m = one ? simd::splat(mrow[cj[0]]) : simd::gather(mrow, simd::load_i32(cj));
        const VecD s = one ? simd::splat(srow[cj[0]]) : simd::gather(srow, simd::load_i32(cj));
        const VecD p = band_step(prev, simd::splat(series.close()[t]), m, simd::load(k.data() + j0) * s, short_ok);
        return simd::select(simd::splat(static_cast<double>(t)) >= simd::load(start.data() + j0), p, VecD{});
      };
    });
  }

  // Rolling mean and population std of window w into column `col` of time-major tables whose
  // row t - rows.begin holds bar t (bars before w - 1 are left as they are).
  // Sums are of deviations from an anchor (the window mean at the last restart), and the anchor
  // is refreshed every max(w, 32) bars: sum-of-squares of raw prices would cancel badly, and
  // the refresh bounds the drift of the add/remove updates at O(w) extra work per w bars.
  // Restarts are at bars w - 1 + i*block whatever the rows, so a bar's values do not depend on
  // the range asked for: a range starts at the restart before its first bar.
  static void rolling_mean_std(const double* c, BarRange rows, int w, int col, int nw, double* mean, double* sd) {
    const std::int64_t block = std::max(w, 32);
    const double inv_w = 1.0 / w;
    const std::int64_t from = std::max<std::int64_t>(rows.begin, w - 1);
    for (std::int64_t first = w - 1 + (from - (w - 1)) / block * block; first < rows.end; first += block) {
      double anchor = 0.0;
      for (std::int64_t i = first - w + 1; i <= first; ++i) anchor += c[i];
      anchor /= w;
      double s1 = 0.0, s2 = 0.0;
      for (std::int64_t i = first - w + 1; i <= first; ++i) {
        s1 += c[i] - anchor;
        s2 += (c[i] - anchor) * (c[i] - anchor);
      }
      const std::int64_t last = std::min(first + block, rows.end);
      for (std::int64_t t = first; t < last; ++t) {
        if (t > first) {
          const double in = c[t] - anchor, out = c[t - w] - anchor;
          s1 += in - out;
          s2 += in * in - out * out;
        }
        if (t < rows.begin) continue;
        const double mu = s1 * inv_w;
        mean[(t - rows.begin) * nw + col] = anchor + mu;
        const double var = s2 * inv_w - mu * mu;
        sd[(t - rows.begin) * nw + col] = var > 0.0 ? std::sqrt(var) : 0.0;
      }
    }
  }
};

}  // namespace

const Strategy& bollinger_strategy() {
  static const Bollinger instance;
  return instance;
}

}  // namespace detail
}  // namespace QG_KERNEL_TARGET_NS
}  // namespace qg::kernels
