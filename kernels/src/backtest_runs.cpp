// The metrics of a position path from its runs (backtest_runs.hpp), and the stored-rows entry
// point that walk-forward windows use.
#include "backtest_runs.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace qg::kernels {
inline namespace QG_KERNEL_TARGET_NS {
namespace runs {
namespace {

constexpr double kBarsPerYear = 252.0;

//! The running figures of one set's path.
struct Path {
  double sum = 0.0, squares = 0.0, down = 0.0;  // of the net returns
  double equity = 1.0, peak = 1.0, max_dd = 0.0;
  double lower = 0.0;                // a drawdown the path certainly reaches (run_drawdown)
  std::vector<PendingRun>* pending;  // held runs whose drawdown may still matter
  double trades = 0.0, turnover = 0.0, exposed = 0.0;
  double closed = 0.0, won = 0.0;
  double trip = 1.0;     // growth of the open trip so far
  bool counted = false;  // the open trip opened inside the range (a carried one is not counted)
  bool ruined = false;

  //! A bar with net return `net` taken on its own.
  void bar(double net) {
    sum += net;
    squares += net * net;
    down += net < 0.0 ? net * net : 0.0;
    equity *= 1.0 + net;
    mark(equity);
  }
  //! The equity `e` reached at a bar: a new peak, or a drawdown from the last one.
  void mark(double e) {
    if (e > peak)
      peak = e;
    else
      max_dd = std::max(max_dd, 1.0 - e / peak);
  }
  //! The ruin bar (ruin.hpp): it nets -1, the trip held over it closes lost, nothing follows.
  void ruin(double held) {
    bar(-1.0);
    exposed += held != 0.0 ? 1.0 : 0.0;
    closed += held != 0.0 && counted ? 1.0 : 0.0;
    ruined = true;
  }
};

//! The smallest and largest of g[1..len-1], a vector of lanes at a time.
void min_max(const double* g, std::int64_t len, double& lo, double& hi) {
  constexpr int kW = simd::kWidth;
  if (len - 1 < kW) {
    lo = hi = g[1];
    for (std::int64_t i = 2; i < len; ++i) {
      lo = std::min(lo, g[i]);
      hi = std::max(hi, g[i]);
    }
    return;
  }
  // Two vectors of accumulators, then the last kW bars (overlapping: min and max do not mind).
  VecD lo0 = simd::load(g + 1), hi0 = lo0, lo1 = lo0, hi1 = lo0;
  std::int64_t i = 1 + kW;
  for (; i + 2 * kW <= len; i += 2 * kW) {
    const VecD x = simd::load(g + i), y = simd::load(g + i + kW);
    lo0 = simd::vmin(lo0, x);
    hi0 = simd::vmax(hi0, x);
    lo1 = simd::vmin(lo1, y);
    hi1 = simd::vmax(hi1, y);
  }
  const VecD last = simd::load(g + len - kW);
  lo0 = simd::vmin(simd::vmin(lo0, lo1), last);
  hi0 = simd::vmax(simd::vmax(hi0, hi1), last);
  for (; i + kW <= len; i += kW) {
    const VecD x = simd::load(g + i);
    lo0 = simd::vmin(lo0, x);
    hi0 = simd::vmax(hi0, x);
  }
  lo = lo0[0];
  hi = hi0[0];
  for (int l = 1; l < kW; ++l) {
    lo = std::min(lo, lo0[l]);
    hi = std::max(hi, hi0[l]);
  }
}

//! The drawdown bookkeeping of a held run's bars after its first, whose equity is k * g[i] at the
//! run's bar i (g[0] is the first bar's, i = 1..len-1 the rest). The run's lowest and highest
//! equity give the peak after it exactly (k * max g: rounding is monotonic) and bound its
//! drawdown: from below by the lowest equity against the peak before the run, from above by the
//! lowest against the peak after it. Runs whose upper bound can matter are kept for walk().
void run_drawdown(Path& p, double k, const double* g, std::int64_t len) {
  double lo = 0.0, hi = 0.0;
  min_max(g, len, lo, hi);
  const double before = p.peak, top = std::max(before, k * hi), low = k * lo;
  p.peak = top;
  p.lower = std::max(p.lower, 1.0 - low / before);
  const double upper = (1.0 - low / top) * (1.0 + 1e-12);
  if (upper > std::max(p.max_dd, p.lower)) p.pending->push_back({k, before, upper, g, len});
}

//! The exact drawdown of a kept run from the peak before it: a vector of bars at a time, their
//! running peaks by a prefix maximum; only a vector in which some bar lies below its peak by more
//! than the largest drawdown so far is taken bar by bar, computing the drawdown there. The result
//! is that of the bar-by-bar walk, which computes the same quotients at the same bars.
void walk(Path& p, const PendingRun& run) {
  double peak = run.peak, keep = (1.0 - p.max_dd) * (1.0 + 1e-14);
  auto step = [&](double e) {
    if (e > peak) {
      peak = e;
    } else if (e < peak * keep) {
      p.max_dd = std::max(p.max_dd, 1.0 - e / peak);
      keep = (1.0 - p.max_dd) * (1.0 + 1e-14);
    }
  };
  const VecD k = simd::splat(run.k);
  std::int64_t i = 1;
  for (; i + simd::kWidth <= run.len; i += simd::kWidth) {
    const VecD e = k * simd::load(run.g + i);
    const VecD peaks = simd::vmax(simd::prefix_max(e), simd::splat(peak));
    if (simd::lane_bits(e < peaks * keep) == 0) {
      peak = peaks[simd::kWidth - 1];
      continue;
    }
    for (int l = 0; l < simd::kWidth; ++l) step(e[l]);
  }
  for (; i < run.len; ++i) step(run.k * run.g[i]);
}

//! The largest drawdown of the path: the first bars' (exact already) and those of the kept runs
//! that can still exceed it or the best lower bound, walked bar by bar. A run left out has an
//! upper bound below a drawdown the path reaches, so the result is the exact maximum.
void settle_drawdown(Path& p) {
  const double threshold = std::max(p.max_dd, p.lower);
  for (const PendingRun& run : *p.pending)
    if (run.upper >= threshold) walk(p, run);
}

//! The first bar in (a, c) that ruins a short run, or c.
std::int64_t short_ruin_bar(const RunTables& tables, std::int64_t a, std::int64_t c) {
  const std::vector<std::int64_t>& bars = tables.short_ruin_bars();
  const auto it = std::upper_bound(bars.begin(), bars.end(), a);
  return it != bars.end() && *it < c ? *it : c;
}

//! The bars (a, c) after a held run's first bar: position v, no cost, no ruin.
void held_rest(Path& p, const RunTables& tables, const double* r, double v, std::int64_t a, std::int64_t c) {
  p.sum += v * tables.sum(a + 1, c);
  p.squares += tables.squares(a + 1, c);
  p.down += tables.downside(v, a + 1, c);
  p.exposed += static_cast<double>(c - a - 1);
  if (tables.growth_ok()) {
    const double* g = tables.growth(v) + (a - tables.first());  // g[i]: bar a + i
    const std::int64_t len = c - a;
    const double k = p.equity / g[0];
    run_drawdown(p, k, g, len);
    p.equity = k * g[len - 1];
    p.trip *= g[len - 1] / g[0];
  } else {
    for (std::int64_t t = a + 1; t < c; ++t) {
      const double growth = 1.0 + v * r[t];
      p.equity *= growth;
      p.trip *= growth;
      p.mark(p.equity);
    }
  }
}

//! One run [a, c) holding v after holding `before`.
void run(Path& p, const RunTables& tables, const double* r, double before, double v, std::int64_t a, std::int64_t c,
         double cost) {
  const double change = std::abs(v - before);
  if (change != 0.0) {
    p.trades += 1.0;
    p.turnover += change;
    // The trip held before closes here, paying its closing cost.
    if (before != 0.0 && p.counted) {
      p.closed += 1.0;
      p.won += p.trip * (1.0 - cost * std::abs(before)) > 1.0 ? 1.0 : 0.0;
    }
    p.counted = v != 0.0;
    p.trip = (1.0 + v * r[a]) - cost * std::abs(v);
  }
  const double net = v * r[a] - cost * change;
  if (net <= -1.0) return p.ruin(v);
  p.bar(net);
  if (v == 0.0) return;
  p.exposed += 1.0;
  const std::int64_t end = v < 0.0 ? short_ruin_bar(tables, a, c) : c;
  if (end > a + 1) held_rest(p, tables, r, v, a, end);
  if (end < c) p.ruin(v);
}

void finish(const Path& p, double n, double* out) {
  auto at = [out](Metric k) -> double& { return out[static_cast<int>(k)]; };
  at(Metric::kTotalReturn) = p.equity - 1.0;
  at(Metric::kCagr) = p.equity > 0.0 ? std::pow(p.equity, kBarsPerYear / n) - 1.0 : -1.0;
  const double mean = p.sum / n;
  double m2 = p.squares - p.sum * mean;
  if (m2 < 1e-12 * p.squares) m2 = 0.0;
  const double sd = n > 1.0 ? std::sqrt(m2 / (n - 1.0)) : 0.0;
  at(Metric::kSharpe) = sd > 0.0 ? mean / sd * std::sqrt(kBarsPerYear) : 0.0;
  const double down_dev = std::sqrt(p.down / n);
  at(Metric::kSortino) = down_dev > 0.0 ? mean / down_dev * std::sqrt(kBarsPerYear) : 0.0;
  at(Metric::kVolatility) = sd * std::sqrt(kBarsPerYear);
  at(Metric::kMaxDrawdown) = p.max_dd;
  at(Metric::kCalmar) = p.max_dd > 0.0 ? at(Metric::kCagr) / p.max_dd : 0.0;
  at(Metric::kTrades) = p.trades;
  at(Metric::kTurnover) = p.turnover;
  at(Metric::kExposure) = p.exposed / n;
  at(Metric::kWinRate) = p.closed > 0.0 ? p.won / p.closed : 0.0;
}

}  // namespace

LaneChanges::LaneChanges(std::int64_t max_changes)
    : capacity_(static_cast<std::size_t>(std::max<std::int64_t>(max_changes, 1))),
      bars_(std::make_unique_for_overwrite<std::int32_t[]>(capacity_ * kLanes)),
      held_(std::make_unique_for_overwrite<std::int8_t[]>(capacity_ * kLanes)) {}

void run_metrics(const RunTables& tables, const double* r, BarRange range, double h_before, const std::int32_t* bars,
                 const std::int8_t* held, int count, double cost, std::vector<PendingRun>& pending, double* out) {
  pending.clear();
  Path p;
  p.pending = &pending;
  p.counted = false;  // a trip open before the range is not counted
  double before = h_before, v = h_before;
  std::int64_t a = range.begin;
  for (int k = 0; k <= count && !p.ruined; ++k) {
    const std::int64_t c = k < count ? bars[k] : range.end;
    if (c > a) run(p, tables, r, before, v, a, c, cost);
    if (k < count) {
      before = v;
      v = held[k];
      a = c;
    }
  }
  settle_drawdown(p);
  finish(p, static_cast<double>(range.size()), out);
}

void group_metrics(const RunTables& tables, const double* r, BarRange range, VecD h_before, LaneChanges& changes,
                   int n_valid, double cost, double* metrics) {
  for (int l = 0; l < n_valid; ++l)
    run_metrics(tables, r, range, l < simd::kWidth ? h_before[l] : 0.0, changes.bars(l), changes.held(l),
                changes.count(l), cost, changes.pending(), metrics + static_cast<std::ptrdiff_t>(l) * kNumMetrics);
}

void backtest_metrics_range_runs(const PreparedSeries& series, PositionRows pos, double cost_per_unit, BarRange returns,
                                 double* metrics) {
  const RunTables& tables = series.run_tables();
  LaneChanges changes(returns.size());
  const int n_sets = pos.n_sets;
  for (int j0 = 0; j0 < n_sets; j0 += simd::kWidth) {
    const int n_valid = std::min(simd::kWidth, n_sets - j0);
    // Lane l reads set j0 + l; a partial group repeats its last set in the spare lanes.
    auto row = [&](std::int64_t t) {
      const std::int8_t* p = pos.row(t) + j0;
      if (n_valid == simd::kWidth) return simd::load_i8(p);
      VecD v{};
      for (int l = 0; l < simd::kWidth; ++l) v[l] = p[std::min(l, n_valid - 1)];
      return v;
    };
    changes.clear();
    const VecD before = returns.begin >= 2 ? row(returns.begin - 2) : VecD{};
    VecD held = before;
    for (std::int64_t t = returns.begin; t < returns.end; ++t) {
      const VecD h = row(t - 1);
      const unsigned moved = simd::lane_bits(h != held);
      if (moved != 0) {
        changes.record(t, moved, h);
        held = h;
      }
    }
    group_metrics(tables, series.returns(), returns, before, changes, n_valid, cost_per_unit,
                  metrics + static_cast<std::ptrdiff_t>(j0) * kNumMetrics);
  }
}

}  // namespace runs
}  // namespace QG_KERNEL_TARGET_NS
}  // namespace qg::kernels
