// donchian(entry, exit): channel breakout. upper_n[t] = max(high[t-n..t-1]) and
// lower_n[t] = min(low[t-n..t-1]) over the n bars before t; defined from t = max(entry, exit).
// Each bar first applies exits (long -> flat when close < lower_exit; short -> flat when
// close > upper_exit), then entries from the resulting state when flat (long when
// close > upper_entry; long_short: short when close < lower_entry). Hold otherwise.
#include <algorithm>
#include <array>
#include <limits>
#include <vector>

#include "all.hpp"
#include "common.hpp"

namespace qg::kernels {
inline namespace QG_KERNEL_TARGET_NS {
namespace detail {
namespace {

constexpr std::array<ParamDef, 2> kParams = {{{"entry", true, 1, 10000}, {"exit", true, 1, 10000}}};
constexpr std::array<int, 2> kWindowParams = {0, 1};
//! Bars looked back first for a bar that forces the position (doubled as needed).
constexpr std::int64_t kLookback = 64;
constexpr double kInf = std::numeric_limits<double>::infinity();

//! Channel values of 8 sets at one bar.
struct Channels {
  VecD up_entry, lo_entry, up_exit, lo_exit;
};

//! One bar of the channel rule for 8 sets: exits, then entries from flat.
inline VecD channel_step(VecD p, VecD c, const Channels& ch, Mask short_ok) {
  const VecD zero{}, one = simd::splat(1.0);
  p = simd::select((p == one) & less(c, ch.lo_exit), zero, p);
  p = simd::select((p == -one) & greater(c, ch.up_exit), zero, p);
  p = simd::select((p == zero) & greater(c, ch.up_entry), one, p);
  p = simd::select((p == zero) & short_ok & less(c, ch.lo_entry), -one, p);
  return p;
}

class Donchian final : public Strategy {
 public:
  std::string_view kind() const override { return "donchian"; }
  bool reads_high_low() const override { return true; }
  std::int64_t first_signal_bar(std::span<const double> set) const override {
    return std::max(window_param(set, 0), window_param(set, 1));
  }
  std::span<const ParamDef> params() const override { return kParams; }

  // The channel state persists, so a range first replays each lane from the latest bar before
  // it where its position was forced (sweep_with_state); the channels of the bars replayed and
  // of the range come from the sparse tables, O(1) each.
  void positions_range(const PreparedSeries& series, const double* sets, int n_sets, PositionMode mode, BarRange bars,
                       std::int8_t* pos_out) const override {
    check_block(series, n_sets, bars, "donchian");
    with_rule(series, sets, n_sets, mode,
              [&](auto&& make_group) { sweep_with_state(n_sets, bars, mode, pos_out, kLookback, make_group); });
  }

  // No evaluate() override: the sweep takes the default path (positions(), then
  // backtest_metrics()). The fused loop was measured at about half its speed on a 128-set grid
  // block (docs/performance.md, section 1), so it is not used.

  std::vector<std::int8_t> positions_ref(const PreparedSeries& series, std::span<const double> set,
                                         PositionMode mode) const override {
    const int entry = window_param(set, 0), exit = window_param(set, 1);
    const std::int64_t n = series.size();
    const double* c = series.close();
    std::vector<std::int8_t> pos(static_cast<std::size_t>(n), 0);
    int p = 0;
    for (std::int64_t t = std::max(entry, exit); t < n; ++t) {
      if (p == 1 && less(c[t], lowest(series, t, exit))) p = 0;
      if (p == -1 && greater(c[t], highest(series, t, exit))) p = 0;
      if (p == 0 && greater(c[t], highest(series, t, entry)))
        p = 1;
      else if (p == 0 && mode == PositionMode::kLongShort && less(c[t], lowest(series, t, entry)))
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
    const std::vector<double> start = cols.start_bars(0);
    const Mask short_ok = Mask{} - (mode == PositionMode::kLongShort ? 1 : 0);
    use([&](BarRange rows) {
      const TableLayout layout = TableLayout::time_major(rows, nw);
      std::vector<double> upper(static_cast<std::size_t>(rows.size() * nw), 0.0), lower(upper.size(), 0.0);
      channel_tables(series, rows, cols, layout, upper.data(), lower.data());
      return [&, layout, upper = std::move(upper), lower = std::move(lower), entry = column_offsets(cols, 0, layout),
              exit = column_offsets(cols, 1, layout)](std::int64_t t, int j0, VecD prev) {
        const simd::VecI32 ce = simd::load_i32(entry.data() + j0);
        const simd::VecI32 cx = simd::load_i32(exit.data() + j0);
        const double* u = upper.data() + layout.at(t, 0);
        const double* l = lower.data() + layout.at(t, 0);
        const Channels ch{simd::gather(u, ce), simd::gather(l, ce), simd::gather(u, cx), simd::gather(l, cx)};
        const VecD p = channel_step(prev, simd::splat(series.close()[t]), ch, short_ok);
        return simd::select(simd::splat(static_cast<double>(t)) >= simd::load(start.data() + j0), p, VecD{});
      };
    });
  }

  // Channels of every window of `cols` for the bars `rows` into tables in `layout` (column i:
  // window cols.window(i)). Eight bars at a time, the window widens one bar
  // at a time, max(high[t-w..t-1]) = max(max(high[t-w+1..t-1]), high[t-w]), and each window
  // of the block is stored as it is reached: max_window vector steps per 8 bars, shared by all
  // windows, where the per-window sparse-table lookups cost two scattered reads per window
  // and bar. A maximum is exact whatever the order, so the values are the sparse table's. Bars
  // before a window is defined (t < w) get the extreme of the bars that exist (-inf/+inf for
  // none); the rule masks them.
  static void channel_tables(const PreparedSeries& series, BarRange rows, const WindowColumns& cols,
                             const TableLayout& layout, double* upper, double* lower) {
    const int nw = cols.count();
    if (nw == 0 || rows.empty()) return;
    const int max_w = cols.window(nw - 1);
    const std::vector<double> hi = padded(series.high(), rows.end, max_w, -kInf);
    const std::vector<double> lo = padded(series.low(), rows.end, max_w, kInf);
    for (std::int64_t t0 = rows.begin; t0 < rows.end; t0 += kWidth) {
      const int n_rows = static_cast<int>(std::min<std::int64_t>(kWidth, rows.end - t0));
      const double* h = hi.data() + max_w + t0;  // h[-w + l] = high[t0 + l - w]
      const double* l = lo.data() + max_w + t0;
      VecD up = simd::splat(-kInf), down = simd::splat(kInf);
      for (int w = 1, i = 0; i < nw; ++w) {
        up = simd::vmax(up, simd::load(h - w));
        down = simd::vmin(down, simd::load(l - w));
        if (w < cols.window(i)) continue;
        store_column(up, upper + layout.at(t0, i), layout.row, n_rows);
        store_column(down, lower + layout.at(t0, i), layout.row, n_rows);
        ++i;
      }
    }
  }

  // x[0..end) with `front` copies of `fill` before it and kWidth after (the loads of the last
  // group of rows reach past end).
  static std::vector<double> padded(const double* x, std::int64_t end, int front, double fill) {
    std::vector<double> out(static_cast<std::size_t>(front + end + kWidth), fill);
    std::copy(x, x + end, out.begin() + front);
    return out;
  }

  // The first n lanes of v into out[0], out[stride], ... (n bars of one column).
  static void store_column(VecD v, double* out, std::int64_t stride, int n) {
    for (int l = 0; l < n; ++l) out[static_cast<std::ptrdiff_t>(l) * stride] = v[l];
  }

  // max(high[t-w..t-1]) by a direct loop.
  static double highest(const PreparedSeries& s, std::int64_t t, int w) {
    double v = s.high()[t - w];
    for (std::int64_t i = t - w + 1; i < t; ++i) v = std::max(v, s.high()[i]);
    return v;
  }
  // min(low[t-w..t-1]) by a direct loop.
  static double lowest(const PreparedSeries& s, std::int64_t t, int w) {
    double v = s.low()[t - w];
    for (std::int64_t i = t - w + 1; i < t; ++i) v = std::min(v, s.low()[i]);
    return v;
  }
};

}  // namespace

const Strategy& donchian_strategy() {
  static const Donchian instance;
  return instance;
}

}  // namespace detail
}  // namespace QG_KERNEL_TARGET_NS
}  // namespace qg::kernels
