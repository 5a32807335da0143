// rsi(period, lower, upper): Wilder's RSI, defined from t = period. long_flat: long when
// RSI < lower, flat when RSI > upper, else hold. long_short: long when RSI < lower, short when
// RSI > upper, else hold. Wilder averages: the first avg_gain/avg_loss is the simple mean over
// t = 1..period of the gains/losses of d[t] = c[t] - c[t-1]; then avg = (avg*(period-1) + x)/period.
// RSI = 100 - 100/(1 + avg_gain/avg_loss); 100 when avg_loss == 0 < avg_gain; 50 when both are 0.
#include <algorithm>
#include <array>
#include <string>

#include "all.hpp"
#include "common.hpp"
#include "fused.hpp"

namespace qg::kernels {
inline namespace QG_KERNEL_TARGET_NS {
namespace detail {
namespace {

constexpr std::array<ParamDef, 3> kParams = {
    {{"period", true, 2, 10000}, {"lower", false, 0, 100}, {"upper", false, 0, 100}}};
constexpr std::array<int, 1> kWindowParams = {0};
//! Bars looked back first for a bar that forces the position (doubled as needed).
constexpr std::int64_t kLookback = 64;

//! RSI from the two Wilder averages.
inline double rsi_value(double avg_gain, double avg_loss) {
  if (avg_loss == 0.0) return avg_gain > 0.0 ? 100.0 : 50.0;
  return 100.0 - 100.0 / (1.0 + avg_gain / avg_loss);
}

class Rsi final : public Strategy {
 public:
  std::string_view kind() const override { return "rsi"; }
  std::int64_t first_signal_bar(std::span<const double> set) const override { return window_param(set, 0); }
  std::span<const ParamDef> params() const override { return kParams; }

  std::string invalid_reason(std::span<const double> set) const override {
    if (set.size() >= 3 && !(set[1] < set[2])) return "lower must be < upper";
    return {};
  }

  // The position persists between thresholds, so a range first replays each lane from the
  // latest bar before it where its position was forced (sweep_with_state). Wilder's averages
  // are recursive: they run from bar 0, and only the rows replayed and the range are stored.
  void positions_range(const PreparedSeries& series, const double* sets, int n_sets, PositionMode mode, BarRange bars,
                       std::int8_t* pos_out) const override {
    check_block(series, n_sets, bars, "rsi");
    with_rule(series, sets, n_sets, mode,
              [&](auto&& make_group) { sweep_with_state(n_sets, bars, mode, pos_out, kLookback, make_group); });
  }

  // The whole history from a flat book: the tables are built once for the block and the rule
  // runs inside the backtest loop.
  void evaluate(const PreparedSeries& series, const double* sets, int n_sets, PositionMode mode, double cost_per_unit,
                double* metrics_out, std::vector<std::int8_t>& scratch) const override {
    (void)scratch;
    check_block(series, n_sets, {0, series.size()}, "rsi");
    with_rule(series, sets, n_sets, mode, [&](auto&& make_group) {
      fused_groups(series, n_sets, cost_per_unit, metrics_out, make_group(BarRange{0, series.size()}));
    });
  }

  std::vector<std::int8_t> positions_ref(const PreparedSeries& series, std::span<const double> set,
                                         PositionMode mode) const override {
    const int period = window_param(set, 0);
    const double lower = set[1], upper = set[2];
    const std::int64_t n = series.size();
    const double* c = series.close();
    std::vector<std::int8_t> pos(static_cast<std::size_t>(n), 0);
    if (period >= n) return pos;
    double avg_gain = 0.0, avg_loss = 0.0;
    for (std::int64_t t = 1; t <= period; ++t) {
      avg_gain += std::max(c[t] - c[t - 1], 0.0);
      avg_loss += std::max(c[t - 1] - c[t], 0.0);
    }
    avg_gain /= period;
    avg_loss /= period;
    int p = 0;
    for (std::int64_t t = period; t < n; ++t) {
      if (t > period) {
        avg_gain = (avg_gain * (period - 1) + std::max(c[t] - c[t - 1], 0.0)) / period;
        avg_loss = (avg_loss * (period - 1) + std::max(c[t - 1] - c[t], 0.0)) / period;
      }
      const double r = rsi_value(avg_gain, avg_loss);
      if (less(r, lower))
        p = 1;
      else if (greater(r, upper))
        p = mode == PositionMode::kLongShort ? -1 : 0;
      pos[t] = static_cast<std::int8_t>(p);
    }
    return pos;
  }

 private:
  // Builds the rule of a block and hands use() its make_group(rows): the tables of the bars
  // `rows` and the group function over them (sweep_with_state's contract).
  template <class Use>
  static void with_rule(const PreparedSeries& series, const double* sets, int n_sets, PositionMode mode, Use&& use) {
    const WindowColumns cols(sets, n_sets, 3, kWindowParams);
    const int nw = cols.count();
    const std::vector<double> lower = real_params(sets, n_sets, 3, 1), upper = real_params(sets, n_sets, 3, 2);
    const std::vector<double> start = cols.start_bars(0);
    const VecD above = simd::splat(mode == PositionMode::kLongShort ? -1.0 : 0.0);
    use([&](BarRange rows) {
      std::vector<double> table(static_cast<std::size_t>(rows.size() * nw), 50.0);
      for (int i = 0; i < nw; ++i) wilder_column(series.close(), rows, cols.window(i), i, nw, table.data());
      return [&, first = rows.begin, table = std::move(table)](std::int64_t t, int j0, VecD prev) {
        const VecD v = simd::gather(table.data() + (t - first) * nw, simd::load_i32(cols.columns(0).data() + j0));
        VecD p = simd::select(greater(v, simd::load(upper.data() + j0)), above, prev);
        p = simd::select(less(v, simd::load(lower.data() + j0)), simd::splat(1.0), p);  // "RSI < lower" wins
        return simd::select(simd::splat(static_cast<double>(t)) >= simd::load(start.data() + j0), p, VecD{});
      };
    });
  }

  // Wilder RSI of one period into column `col` of a time-major table whose row t - rows.begin
  // holds bar t (left as is before t = period). The recursion always starts at bar 1.
  static void wilder_column(const double* c, BarRange rows, int period, int col, int nw, double* table) {
    if (period >= rows.end) return;
    double gain = 0.0, loss = 0.0;
    for (std::int64_t t = 1; t <= period; ++t) {
      const double d = c[t] - c[t - 1];
      gain += d > 0.0 ? d : 0.0;
      loss += d < 0.0 ? -d : 0.0;
    }
    gain /= period;
    loss /= period;
    if (period >= rows.begin) table[(period - rows.begin) * nw + col] = rsi_value(gain, loss);
    for (std::int64_t t = period + 1; t < rows.end; ++t) {
      const double d = c[t] - c[t - 1];
      gain = (gain * (period - 1) + (d > 0.0 ? d : 0.0)) / period;
      loss = (loss * (period - 1) + (d < 0.0 ? -d : 0.0)) / period;
      if (t >= rows.begin) table[(t - rows.begin) * nw + col] = rsi_value(gain, loss);
    }
  }
};

}  // namespace

const Strategy& rsi_strategy() {
  static const Rsi instance;
  return instance;
}

}  // namespace detail
}  // namespace QG_KERNEL_TARGET_NS
}  // namespace qg::kernels
