// sma_crossover(fast, slow): long while SMA_fast > SMA_slow; in long_short, short while below.
// SMA_w[t] = mean(close[t-w+1..t]); the signal is defined from t = max(fast, slow) - 1.
#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <utility>

#include "all.hpp"
#include "common.hpp"
#include "fused.hpp"
#include "qg/core/error.hpp"

namespace qg::kernels {
inline namespace QG_KERNEL_TARGET_NS {
namespace detail {
namespace {

constexpr std::array<ParamDef, 2> kParams = {{{"fast", true, 1, 10000}, {"slow", true, 2, 10000}}};

//! One window parameter of a block of sets, padded to whole lane groups, with the shape of
//! each group (all lanes equal, 8 consecutive windows, or anything else).
struct Windows {
  enum class Shape : std::uint8_t { kGather, kSame, kRun };

  Windows(const double* sets, int n_sets, int param) : w(int_params(sets, n_sets, 2, param)) {
    if (*std::min_element(w.begin(), w.end()) < 1) throw KernelError("sma_crossover: window below 1");
    inv.resize(w.size());
    neg.resize(w.size());
    for (std::size_t j = 0; j < w.size(); ++j) {
      inv[j] = 1.0 / w[j];  // a multiply per bar instead of a divide; 1 ulp is far below the tie tolerance
      neg[j] = -w[j];
    }
    for (std::size_t j0 = 0; j0 < w.size(); j0 += kWidth) {
      bool same = true, run = true;
      for (int l = 1; l < kWidth; ++l) {
        same = same && w[j0 + l] == w[j0];
        run = run && w[j0 + l] == w[j0] + l;
      }
      shape.push_back(same ? Shape::kSame : run ? Shape::kRun : Shape::kGather);
    }
  }

  //! Lane j's mean of close over the w[j0+j] bars ending at t (undefined in warm-up lanes).
  VecD means(const double* prefix, std::int64_t t, int j0) const {
    const double* end = prefix + t + 1;  // P[t+1]
    const int w0 = w[static_cast<std::size_t>(j0)];
    switch (shape[static_cast<std::size_t>(j0 / kWidth)]) {
      case Shape::kSame:
        if (t + 1 >= w0) return simd::splat((*end - end[-w0]) * inv[static_cast<std::size_t>(j0)]);
        break;
      case Shape::kRun:  // lane j needs P[t+1-w0-j]: the 8 entries ending at P[t+1-w0], reversed
        if (t + 1 >= w0 + kWidth - 1)
          return (*end - simd::reverse(simd::load(end - w0 - (kWidth - 1)))) * simd::load(inv.data() + j0);
        break;
      case Shape::kGather:
        break;
    }
    // Offsets reaching before P[0] (warm-up lanes) are clamped; those lanes are flat anyway.
    const simd::VecI32 floor = simd::splat_i32(static_cast<std::int32_t>(-(t + 1)));
    const simd::VecI32 off = simd::load_i32(neg.data() + j0);
    return (*end - simd::gather(end, off > floor ? off : floor)) * simd::load(inv.data() + j0);
  }

  //! means() once every lane of group j0 is past its warm-up (t + 1 >= its window), for a group
  //! of shape S: the same arithmetic without the shape switch and the clamping.
  template <Shape S>
  VecD means_past_warm_up(const double* prefix, std::int64_t t, int j0) const {
    const double* end = prefix + t + 1;
    const auto j = static_cast<std::size_t>(j0);
    if constexpr (S == Shape::kSame)
      return simd::splat((*end - end[-w[j]]) * inv[j]);
    else if constexpr (S == Shape::kRun)
      return (*end - simd::reverse(simd::load(end - w[j] - (kWidth - 1)))) * simd::load(inv.data() + j0);
    else
      return (*end - simd::gather(end, simd::load_i32(neg.data() + j0))) * simd::load(inv.data() + j0);
  }

  Shape group_shape(int j0) const { return shape[static_cast<std::size_t>(j0 / kWidth)]; }

  std::vector<std::int32_t> w, neg;
  std::vector<double> inv;
  std::vector<Shape> shape;
};

class SmaCrossover final : public Strategy {
 public:
  std::string_view kind() const override { return "sma_crossover"; }
  std::int64_t first_signal_bar(std::span<const double> set) const override {
    return std::max(window_param(set, 0), window_param(set, 1)) - 1;
  }
  std::span<const ParamDef> params() const override { return kParams; }

  // Each lane's averages come straight from the close prefix sums, (P[t+1] - P[t+1-w]) / w,
  // read from the few hundred prefix entries behind bar t (they stay in L1). A per-block table
  // of every distinct window would be rebuilt for every block and outgrow the L2 cache.
  // Grid sweeps list sets in lexicographic order, so a lane group usually shares one
  // window (one scalar average) or takes consecutive windows (one reversed vector load);
  // other groups gather. All three paths do the same arithmetic, so results are identical.
  // A range needs only the prefix sums behind its own bars, so its work is proportional to it.
  void positions_range(const PreparedSeries& series, const double* sets, int n_sets, PositionMode mode, BarRange bars,
                       std::int8_t* pos_out) const override {
    check_block(series, n_sets, bars, "sma_crossover");
    if (n_sets == 0) return;
    const Block block{Windows(sets, n_sets, 0), Windows(sets, n_sets, 1), mode, series.close_prefix()};
    // From the bar where every set's signal is defined on, each group takes a loop compiled for
    // its shapes (ready_rows); the bars before it take the general path. The rule has no state,
    // so the two parts are independent, and their arithmetic is the same.
    const auto last_start = static_cast<std::int64_t>(*std::max_element(block.start.begin(), block.start.end()));
    const std::int64_t ready = std::clamp(last_start, bars.begin, bars.end);
    warm_up_rows(block, n_sets, {bars.begin, ready}, pos_out);
    ready_tiles(block, n_sets, {ready, bars.end}, pos_out + (ready - bars.begin) * n_sets);
  }

  // The whole history with the crossover fused into the backtest loop, one lane group of sets at a
  // time. Each group's loop is compiled for its pair of shapes (sma_group), so no bar switches
  // on the shape; the bars before every lane's warm-up is over take the general path of means().
  void evaluate(const PreparedSeries& series, const double* sets, int n_sets, PositionMode mode, double cost_per_unit,
                double* metrics_out, std::vector<std::int8_t>& scratch) const override {
    (void)scratch;
    check_block(series, n_sets, {0, series.size()}, "sma_crossover");
    if (n_sets == 0) return;
    const Block block{Windows(sets, n_sets, 0), Windows(sets, n_sets, 1), mode, series.close_prefix()};
    runs::LaneChanges changes(series.size());
    // Consecutive groups of the same shapes share one time loop (the sweep's lexicographic
    // blocks are mostly such runs): four in long_flat, two in long_short; a lone group runs alone.
    const int most = block.short_side ? 2 : 4;
    for (int j0 = 0; j0 < n_sets;) {
      int alike = 1;
      while (alike < most && j0 + alike * kWidth < n_sets && same_shapes(block, j0, j0 + alike * kWidth)) ++alike;
      const int groups = alike == 3 ? 2 : alike;
      const GroupRun run{
          series, changes, cost_per_unit, std::min(groups * kWidth, n_sets - j0), metrics_out + j0 * kNumMetrics,
          groups};
      dispatch_fast(block, run, j0);
      j0 += groups * kWidth;
    }
  }

  std::vector<std::int8_t> positions_ref(const PreparedSeries& series, std::span<const double> set,
                                         PositionMode mode) const override {
    const int fast = window_param(set, 0), slow = window_param(set, 1);
    const std::int64_t n = series.size();
    const double* c = series.close();
    std::vector<std::int8_t> pos(static_cast<std::size_t>(n), 0);
    for (std::int64_t t = std::max(fast, slow) - 1; t < n; ++t) {
      const double f = direct_mean(c, t, fast), s = direct_mean(c, t, slow);
      if (greater(f, s))
        pos[t] = 1;
      else if (mode == PositionMode::kLongShort && less(f, s))
        pos[t] = -1;
    }
    return pos;
  }

 private:
  using Shape = Windows::Shape;

  //! The windows of a block and what every group's rule reads.
  struct Block {
    Block(Windows f, Windows s, PositionMode mode, const double* prefix)
        : fast(std::move(f)), slow(std::move(s)), prefix(prefix), short_side(mode == PositionMode::kLongShort) {
      start.resize(fast.w.size());
      for (std::size_t j = 0; j < start.size(); ++j) start[j] = std::max(fast.w[j], slow.w[j]) - 1;
    }
    Windows fast, slow;
    const double* prefix;
    bool short_side;
    std::vector<double> start;  // first bar of each set's signal
  };

  //! Where one group's metrics go.
  struct GroupRun {
    const PreparedSeries& series;
    runs::LaneChanges& changes;
    double cost;
    int n_valid;
    double* metrics;
    int groups;  // groups j0, j0 + kWidth, ... together (1, 2 or 4)
  };

  //! The crossover of averages x (fast) and y (slow): 1 above, -1 under in long_short (kShort),
  //! 0 otherwise. Long_flat needs one comparison.
  template <bool kShort>
  static VecD cross(VecD x, VecD y) {
    const VecD up = simd::select(greater(x, y), simd::splat(1.0), VecD{});
    if constexpr (kShort)
      return simd::select(less(x, y), simd::splat(-1.0), up);
    else
      return up;
  }

  //! f.template operator()<F, S>() for the shapes F (fast) and S (slow) of group j0.
  template <class Fn>
  static void with_shapes(const Block& b, int j0, Fn&& f) {
    switch (b.fast.group_shape(j0)) {
      case Shape::kSame:
        return with_slow_shape<Shape::kSame>(b, j0, f);
      case Shape::kRun:
        return with_slow_shape<Shape::kRun>(b, j0, f);
      case Shape::kGather:
        return with_slow_shape<Shape::kGather>(b, j0, f);
    }
  }

  template <Shape F, class Fn>
  static void with_slow_shape(const Block& b, int j0, Fn& f) {
    switch (b.slow.group_shape(j0)) {
      case Shape::kSame:
        return f.template operator()<F, Shape::kSame>();
      case Shape::kRun:
        return f.template operator()<F, Shape::kRun>();
      case Shape::kGather:
        return f.template operator()<F, Shape::kGather>();
    }
  }

  static void dispatch_fast(const Block& b, const GroupRun& run, int j0) {
    with_shapes(b, j0, [&]<Shape F, Shape S>() { dispatch_mode<F, S>(b, run, j0); });
  }

  //! positions_range's rows `bars` by the general path (any bar, warm-up included), time outer.
  static void warm_up_rows(const Block& b, int n_sets, BarRange bars, std::int8_t* pos_out) {
    if (bars.size() == 0) return;
    const VecD below = simd::splat(b.short_side ? -1.0 : 0.0);
    sweep_groups(n_sets, bars, pos_out, [&](std::int64_t t, int j0, VecD) {
      const VecD x = b.fast.means(b.prefix, t, j0), y = b.slow.means(b.prefix, t, j0);
      VecD p = simd::select(less(x, y), below, VecD{});
      p = simd::select(greater(x, y), simd::splat(1.0), p);
      return simd::select(simd::splat(static_cast<double>(t)) >= simd::load(b.start.data() + j0), p, VecD{});
    });
  }

  static constexpr std::int64_t kRowTile = 256;  // rows a tile of ready_tiles: its output stays in cache

  //! positions_range's rows `bars`, all at or after every set's first signal bar: tiles of rows,
  //! each group's rows of a tile by its ready_rows (no warm-up test, no shape switch per bar).
  static void ready_tiles(const Block& b, int n_sets, BarRange bars, std::int8_t* pos_out) {
    for (std::int64_t t0 = bars.begin; t0 < bars.end; t0 += kRowTile) {
      const BarRange rows{t0, std::min(bars.end, t0 + kRowTile)};
      std::int8_t* out = pos_out + (t0 - bars.begin) * n_sets;
      for (int j0 = 0; j0 < n_sets; j0 += kWidth)
        with_shapes(b, j0, [&]<Shape F, Shape S>() {
          if (b.short_side)
            ready_rows<F, S, true>(b, n_sets, j0, rows, out);
          else
            ready_rows<F, S, false>(b, n_sets, j0, rows, out);
        });
    }
  }

  //! Byte l of kLaneBytes[bits] is bit l of bits: the lanes of a mask (simd::lane_bits) as int8
  //! ones, in memory order on this little-endian target.
  static constexpr std::array<std::uint64_t, 256> kLaneBytes = [] {
    std::array<std::uint64_t, 256> t{};
    for (unsigned bits = 0; bits < 256; ++bits)
      for (unsigned l = 0; l < 8; ++l) t[bits] |= static_cast<std::uint64_t>((bits >> l) & 1U) << (8 * l);
    return t;
  }();
  static_assert(std::endian::native == std::endian::little && kWidth <= 8);

  //! cross() of the lanes as int8 positions (byte l = lane l): 1 where x > y, -1 where x < y in
  //! long_short (kShort), 0 otherwise, from the comparison masks instead of converted doubles.
  template <bool kShort>
  static std::uint64_t cross_bytes(VecD x, VecD y) {
    std::uint64_t bytes = kLaneBytes[simd::lane_bits(greater(x, y))];
    if constexpr (kShort) bytes |= kLaneBytes[simd::lane_bits(less(x, y))] * 0xFF;  // 0/1 bytes: no carries
    return bytes;
  }

  //! Group j0's positions over `rows` (past every lane's warm-up) into row-major `out` (first
  //! row rows.begin): the general path's values (cross() is its rule once the signal is defined).
  template <Shape F, Shape S, bool kShort>
  static void ready_rows(const Block& b, int n_sets, int j0, BarRange rows, std::int8_t* out) {
    const GroupWindows<F> fast(b.fast, j0);
    const GroupWindows<S> slow(b.slow, j0);
    const double* prefix = b.prefix;
    std::int8_t* p = out + j0;
    const auto count = static_cast<std::size_t>(std::min(kWidth, n_sets - j0));
    if (count == kWidth) {
      for (std::int64_t t = rows.begin; t < rows.end; ++t, p += n_sets) {
        const std::uint64_t bytes = cross_bytes<kShort>(fast.means(prefix, t), slow.means(prefix, t));
        std::memcpy(p, &bytes, kWidth);
      }
    } else {
      for (std::int64_t t = rows.begin; t < rows.end; ++t, p += n_sets) {
        const std::uint64_t bytes = cross_bytes<kShort>(fast.means(prefix, t), slow.means(prefix, t));
        std::memcpy(p, &bytes, count);
      }
    }
  }

  template <Shape F, Shape S>
  static void dispatch_mode(const Block& b, const GroupRun& run, int j0) {
    if (run.groups == 4)
      sma_flat<4, F, S>(b, run, j0);
    else if (run.groups == 2 && b.short_side)
      sma_pair_short<F, S>(b, run, j0);
    else if (run.groups == 2)
      sma_flat<2, F, S>(b, run, j0);
    else if (b.short_side)
      sma_group<F, S, true>(b, run, j0);
    else
      sma_group<F, S, false>(b, run, j0);
  }

  //! One group's windows of one parameter, of shape S, held in registers for its loop: the
  //! arithmetic of Windows::means_past_warm_up without reloading the block's tables every bar.
  template <Shape S>
  struct GroupWindows {
    GroupWindows(const Windows& w, int j0)
        : w0(w.w[static_cast<std::size_t>(j0)]),
          inv0(w.inv[static_cast<std::size_t>(j0)]),
          inv(simd::load(w.inv.data() + j0)),
          neg(simd::load_i32(w.neg.data() + j0)) {}
    VecD means(const double* prefix, std::int64_t t) const {
      const double* end = prefix + t + 1;
      if constexpr (S == Shape::kSame)
        return simd::splat((*end - end[-w0]) * inv0);
      else if constexpr (S == Shape::kRun)
        return (*end - simd::reverse(simd::load(end - w0 - (kWidth - 1)))) * inv;
      else
        return (*end - simd::gather(end, neg)) * inv;
    }
    std::int64_t w0;
    double inv0;
    VecD inv;
    simd::VecI32 neg;
  };

  //! One group's fused loop for fast shape F and slow shape S. From bar `ready` on (the last
  //! lane's first signal bar) every lane's windows lie inside the series and its signal is
  //! defined, so those bars skip the clamping and the warm-up mask; the values are the same.
  template <Shape F, Shape S, bool kShort>
  static void sma_group(const Block& b, const GroupRun& run, int j0) {
    const auto ready =
        static_cast<std::int64_t>(*std::max_element(b.start.begin() + j0, b.start.begin() + j0 + kWidth));
    const auto quiet =
        static_cast<std::int64_t>(*std::min_element(b.start.begin() + j0, b.start.begin() + j0 + kWidth));
    const VecD start = simd::load(b.start.data() + j0);
    const GroupWindows<F> fast(b.fast, j0);
    const GroupWindows<S> slow(b.slow, j0);
    const double* prefix = b.prefix;
    runs::fused_group_split(
        run.series, run.changes, run.cost, run.n_valid, run.metrics, quiet, ready,
        [&](std::int64_t t, VecD) {
          const VecD p = cross<kShort>(b.fast.means(prefix, t, j0), b.slow.means(prefix, t, j0));
          return simd::select(simd::splat(static_cast<double>(t)) >= start, p, VecD{});
        },
        [&](std::int64_t t, VecD) { return cross<kShort>(fast.means(prefix, t), slow.means(prefix, t)); });
  }

  static bool same_shapes(const Block& b, int j0, int j1) {
    return b.fast.group_shape(j0) == b.fast.group_shape(j1) && b.slow.group_shape(j0) == b.slow.group_shape(j1);
  }

  //! G groups' windows of one parameter, from group j0 on.
  template <int G, Shape S>
  static std::array<GroupWindows<S>, G> group_windows(const Windows& w, int j0) {
    return [&]<std::size_t... g>(std::index_sequence<g...>) {
      return std::array<GroupWindows<S>, G>{GroupWindows<S>(w, j0 + static_cast<int>(g) * kWidth)...};
    }
    (std::make_index_sequence<G>{});
  }

  //! The long_flat rule of G groups (j0, j0 + kWidth, ...) of the same shapes in one time loop,
  //! as its long condition. When every group has one fast window of the same length (F = kSame),
  //! its average is computed once per bar.
  template <int G, Shape F, Shape S>
  static void sma_flat(const Block& b, const GroupRun& run, int j0) {
    bool shared = F == Shape::kSame;
    for (int g = 1; g < G; ++g)
      shared = shared && b.fast.w[static_cast<std::size_t>(j0)] ==
                             b.fast.w[static_cast<std::size_t>(j0) + static_cast<std::size_t>(g * kWidth)];
    if (shared)
      sma_flat_loop<G, F, S, true>(b, run, j0);
    else
      sma_flat_loop<G, F, S, false>(b, run, j0);
  }

  //! sma_flat's loop. Averages are of positive closes, so greater(x, y) needs no |y| here.
  template <int G, Shape F, Shape S, bool kShared>
  static void sma_flat_loop(const Block& b, const GroupRun& run, int j0) {
    const auto first = b.start.begin() + j0, last = first + G * kWidth;
    const auto ready = static_cast<std::int64_t>(*std::max_element(first, last));
    const auto quiet = static_cast<std::int64_t>(*std::min_element(first, last));
    const std::array<GroupWindows<F>, G> fast = group_windows<G, F>(b.fast, j0);
    const std::array<GroupWindows<S>, G> slow = group_windows<G, S>(b.slow, j0);
    const double* prefix = b.prefix;
    auto warm = [&](std::int64_t t) {
      const VecD now = simd::splat(static_cast<double>(t));
      runs::LongMasks<G> m;
      for (int g = 0; g < G; ++g) {
        const int j = j0 + g * kWidth;
        m[static_cast<std::size_t>(g)] =
            greater(b.fast.means(prefix, t, j), b.slow.means(prefix, t, j)) & (now >= simd::load(b.start.data() + j));
      }
      return m;
    };
    runs::fused_flat_split<G>(run.series, run.changes, run.cost, run.n_valid, run.metrics, quiet, ready, warm,
                              [&](std::int64_t t) {
                                runs::LongMasks<G> m;
                                const VecD x0 = fast[0].means(prefix, t);
                                for (std::size_t g = 0; g < G; ++g) {
                                  const VecD x = kShared ? x0 : fast[g].means(prefix, t);
                                  m[g] = greater_pos(x, slow[g].means(prefix, t));
                                }
                                return m;
                              });
  }

  //! The pair's long_short rule.
  template <Shape F, Shape S>
  static void sma_pair_short(const Block& b, const GroupRun& run, int j0) {
    const int j1 = j0 + kWidth;
    const auto ready =
        static_cast<std::int64_t>(*std::max_element(b.start.begin() + j0, b.start.begin() + j1 + kWidth));
    const auto quiet =
        static_cast<std::int64_t>(*std::min_element(b.start.begin() + j0, b.start.begin() + j1 + kWidth));
    const VecD start0 = simd::load(b.start.data() + j0), start1 = simd::load(b.start.data() + j1);
    const GroupWindows<F> fast0(b.fast, j0), fast1(b.fast, j1);
    const GroupWindows<S> slow0(b.slow, j0), slow1(b.slow, j1);
    const double* prefix = b.prefix;
    auto warm = [&](std::int64_t t) {
      const VecD now = simd::splat(static_cast<double>(t));
      const VecD p0 = cross<true>(b.fast.means(prefix, t, j0), b.slow.means(prefix, t, j0));
      const VecD p1 = cross<true>(b.fast.means(prefix, t, j1), b.slow.means(prefix, t, j1));
      return runs::LanePair{simd::select(now >= start0, p0, VecD{}), simd::select(now >= start1, p1, VecD{})};
    };
    runs::fused_pair_split(run.series, run.changes, run.cost, run.n_valid, run.metrics, quiet, ready, warm,
                           [&](std::int64_t t) {
                             return runs::LanePair{cross<true>(fast0.means(prefix, t), slow0.means(prefix, t)),
                                                   cross<true>(fast1.means(prefix, t), slow1.means(prefix, t))};
                           });
  }

  //! greater(x, y) for y >= 0 (an average of positive closes): the same result without |y|.
  static Mask greater_pos(VecD x, VecD y) { return x - y > kRelTol * y; }

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

}  // namespace detail
}  // namespace QG_KERNEL_TARGET_NS
}  // namespace qg::kernels
