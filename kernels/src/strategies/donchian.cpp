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
#include "../backtest_runs.hpp"
#include "common.hpp"
#include "qg/core/error.hpp"

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

//! The channels come from the series' high/low range tables: a series prepared without them
//! (PreparedSeries' range_tables, given by reads_high_low) is a caller's error.
void require_range_tables(const PreparedSeries& series) {
  if (!series.has_range_tables())
    throw KernelError("donchian: the series was prepared without its high/low range tables");
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
    require_range_tables(series);
    with_rule(series, sets, n_sets, mode,
              [&](auto&& make_group) { sweep_with_state(n_sets, bars, mode, pos_out, kLookback, make_group); });
  }

  // The whole history with the channel rule fused into the run backtest, one lane group at a
  // time, for groups that share one entry window and take consecutive exit windows (a grid's
  // lexicographic blocks are mostly such groups): the shared entry channel is one sparse-table
  // lookup per bar, and lane j's exit channel extends lane 0's (one lookup) by the j bars before
  // it, a prefix minimum (maximum) over one vector load. Minima and maxima are exact in any order,
  // so the channels, and so the positions, are the table path's. Other groups take that path
  // (positions, then the run backtest over the rows), which gives the same bits from the same
  // positions.
  void evaluate(const PreparedSeries& series, const double* sets, int n_sets, PositionMode mode, double cost_per_unit,
                double* metrics_out, std::vector<std::int8_t>& scratch) const override {
    check_block(series, n_sets, {0, series.size()}, "donchian");
    require_range_tables(series);
    if (n_sets == 0) return;
    const std::vector<std::int32_t> entry = int_params(sets, n_sets, 2, 0), exit = int_params(sets, n_sets, 2, 1);
    if (*std::min_element(entry.begin(), entry.end()) < 1 || *std::min_element(exit.begin(), exit.end()) < 1)
      throw KernelError("donchian: window below 1");
    runs::LaneChanges changes(series.size());
    // A group fuses when its lanes share the entry window and take consecutive exit windows.
    auto fusable = [&](int j0) {
      if (j0 + kWidth > n_sets) return false;  // a partial group repeats its last set
      bool ok = true;
      for (int l = 1; l < kWidth; ++l) {
        const auto j = static_cast<std::size_t>(j0) + static_cast<std::size_t>(l);
        ok = ok && entry[j] == entry[j - 1] && exit[j] == exit[j - 1] + 1;
      }
      return ok;
    };
    const auto at = [](const std::vector<std::int32_t>& v, int j) { return v[static_cast<std::size_t>(j)]; };
    for (int j0 = 0; j0 < n_sets;) {
      double* metrics = metrics_out + static_cast<std::ptrdiff_t>(j0) * kNumMetrics;
      if (!fusable(j0)) {
        const int n_valid = std::min(kWidth, n_sets - j0);
        Strategy::evaluate(series, sets + static_cast<std::ptrdiff_t>(j0) * 2, n_valid, mode, cost_per_unit, metrics,
                           scratch);
        j0 += kWidth;
        continue;
      }
      // long_flat: up to four such groups of one entry window share a time loop on long bits.
      int groups = 1;
      while (mode == PositionMode::kLongFlat && groups < 4 && fusable(j0 + groups * kWidth) &&
             at(entry, j0 + groups * kWidth) == at(entry, j0))
        ++groups;
      if (groups == 3) groups = 2;
      const int n_valid = groups * kWidth;
      if (groups == 4)
        flat_groups<4>(series, at(entry, j0),
                       {at(exit, j0), at(exit, j0 + kWidth), at(exit, j0 + 2 * kWidth), at(exit, j0 + 3 * kWidth)},
                       cost_per_unit, n_valid, metrics, changes);
      else if (groups == 2)
        flat_groups<2>(series, at(entry, j0), {at(exit, j0), at(exit, j0 + kWidth)}, cost_per_unit, n_valid, metrics,
                       changes);
      else
        fused_group(series, at(entry, j0), at(exit, j0), mode, cost_per_unit, n_valid, metrics, changes);
      j0 += n_valid;
    }
  }

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
  //! One group's fused loop: entry window n for every lane, exit windows x0, x0 + 1, ...
  static void fused_group(const PreparedSeries& series, int n, int x0, PositionMode mode, double cost, int n_valid,
                          double* metrics, runs::LaneChanges& changes) {
    const double* c = series.close();
    const double* hi = series.high();
    const double* lo = series.low();
    const Mask short_ok = Mask{} - (mode == PositionMode::kLongShort ? 1 : 0);
    const bool shorts = mode == PositionMode::kLongShort;
    VecD start;  // lane j's first signal bar: max(n, x0 + j)
    for (int j = 0; j < kWidth; ++j) start[j] = std::max(n, x0 + j);
    const auto quiet = static_cast<std::int64_t>(start[0]), ready = static_cast<std::int64_t>(start[kWidth - 1]);
    // Lane j's exit channels at bar t >= x0 + kWidth - 1: lane 0's, widened by the j bars before.
    auto exits = [&](std::int64_t t, VecD& low_exit, VecD& up_exit) {
      const std::int64_t a = t - x0 - (kWidth - 1);  // lanes j reach back to bar t - x0 - j
      low_exit = simd::vmin(simd::splat(series.min_low(t - x0, t - 1)), prefix_min(simd::reverse(simd::load(lo + a))));
      if (shorts)
        up_exit = simd::vmax(simd::splat(series.max_high(t - x0, t - 1)),
                             simd::prefix_max(simd::reverse(simd::load(hi + a))));
    };
    auto decide = [&](std::int64_t t, VecD prev) {
      Channels ch{simd::splat(series.max_high(t - n, t - 1)), VecD{}, VecD{}, VecD{}};
      if (shorts) ch.lo_entry = simd::splat(series.min_low(t - n, t - 1));
      exits(t, ch.lo_exit, ch.up_exit);
      return channel_step(prev, simd::splat(c[t]), ch, short_ok);
    };
    // Between the first and the last lane's first signal bar, lane by lane from the definitions.
    auto warm = [&](std::int64_t t, VecD prev) {
      VecD p = prev;
      const bool entry_defined = t >= n;
      const VecD up_entry = simd::splat(entry_defined ? series.max_high(t - n, t - 1) : 0.0);
      const VecD lo_entry = simd::splat(entry_defined ? series.min_low(t - n, t - 1) : 0.0);
      for (int j = 0; j < kWidth; ++j) {
        if (static_cast<double>(t) < start[j]) {
          p[j] = 0.0;
          continue;
        }
        const int x = x0 + j;
        const Channels ch{up_entry, lo_entry, simd::splat(series.max_high(t - x, t - 1)),
                          simd::splat(series.min_low(t - x, t - 1))};
        p[j] = channel_step(simd::splat(prev[j]), simd::splat(c[t]), ch, short_ok)[0];
      }
      return p;
    };
    runs::fused_group_split(series, changes, cost, n_valid, metrics, quiet, ready, warm, decide);
  }

  //! G fusable groups of one entry window n (group g's exits x0[g], x0[g] + 1, ...) in long_flat,
  //! on long bits: long' = (long and not below the exit channel) or above the entry channel,
  //! which is channel_step's long_flat rule.
  template <int G>
  static void flat_groups(const PreparedSeries& series, int n, const std::array<int, G>& x0, double cost, int n_valid,
                          double* metrics, runs::LaneChanges& changes) {
    const double* c = series.close();
    const double* lo = series.low();
    constexpr unsigned kAll = G * kWidth == 32 ? ~0U : (1U << (G * kWidth)) - 1U;
    const int lo_x = *std::min_element(x0.begin(), x0.end()), hi_x = *std::max_element(x0.begin(), x0.end());
    const auto quiet = static_cast<std::int64_t>(std::max(n, lo_x));
    const auto ready = static_cast<std::int64_t>(std::max(n, hi_x + kWidth - 1));
    auto decide = [&](std::int64_t t, unsigned prev) {
      const unsigned enter = greater(c[t], series.max_high(t - n, t - 1)) ? kAll : 0U;
      const VecD close = simd::splat(c[t]);
      unsigned out = 0;
      for (int g = 0; g < G; ++g) {
        const int x = x0[static_cast<std::size_t>(g)];
        const VecD low_exit = simd::vmin(simd::splat(series.min_low(t - x, t - 1)),
                                         prefix_min(simd::reverse(simd::load(lo + t - x - (kWidth - 1)))));
        out |= simd::lane_bits(less(close, low_exit)) << (g * kWidth);
      }
      return (prev & ~out) | enter;
    };
    // Before every lane's signal is defined, lane by lane from the definitions (flat before its start).
    auto warm = [&](std::int64_t t, unsigned prev) {
      const bool enter = t >= n && greater(c[t], series.max_high(t - n, t - 1));
      unsigned bits = 0;
      for (int g = 0; g < G; ++g)
        for (int j = 0; j < kWidth; ++j) {
          const int x = x0[static_cast<std::size_t>(g)] + j, lane = g * kWidth + j;
          if (t < std::max(n, x)) continue;
          const bool keep = (prev >> lane & 1U) != 0 && !less(c[t], series.min_low(t - x, t - 1));
          if (keep || enter) bits |= 1U << lane;
        }
      return bits;
    };
    runs::fused_bits_split<G>(series, changes, cost, n_valid, metrics, quiet, ready, warm, decide);
  }

  //! Lane j holds the smallest of lanes 0..j.
  static VecD prefix_min(VecD v) { return -simd::prefix_max(-v); }

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
