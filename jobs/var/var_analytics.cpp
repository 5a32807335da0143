// Monte Carlo tail figures, historical simulation, delta-normal, stress and backtest.
#include "var/var_analytics.hpp"

#include <tbb/parallel_for.h>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>

#include "qg/core/error.hpp"
#include "var/tail_components.hpp"
#include "var/var_spec.hpp"
#include "qg/kernels/var/black_scholes.hpp"
#include "qg/kernels/var/parametric.hpp"
#include "qg/kernels/var/tail.hpp"

namespace qg::jobs {
namespace {

namespace kv = kernels::var;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

//! The values at 0-based positions `at` (ascending) of the column [col, end) in descending
//! order, into out[order[i]]: one selection per position over what the previous one left above
//! it (every element before a selected position is at least its value, every one after at
//! most), and the smallest element for the last position, so each value is that of a full
//! std::nth_element of the column.
void select_descending(std::vector<double>::iterator col, std::vector<double>::iterator end,
                       const std::vector<std::uint64_t>& at, const std::vector<std::size_t>& order, double* out) {
  auto first = col;
  for (std::size_t i = 0; i < order.size(); ++i) {
    const auto nth = col + static_cast<std::ptrdiff_t>(at[i]);
    if (i > 0 && at[i] == at[i - 1]) {
      out[order[i]] = out[order[i - 1]];
      continue;
    }
    if (nth + 1 == end) {
      out[order[i]] = *std::min_element(first, end);
      continue;
    }
    std::nth_element(first, nth, end, std::greater<>());
    out[order[i]] = *nth;
    first = nth + 1;
  }
}

//! VaR at each of `ranks` of (loss - position k's loss) over the rows, for every position k:
//! [rank][k]. Positions are gathered a group at a time, one pass over the rows per group
//! (contiguous reads of a row's P&L), each group's columns bounded to about 8 M doubles and
//! 16 positions (the groups run on the process's threads, enough of them to balance two).
std::vector<std::vector<double>> vars_without(std::span<const double> rows, std::size_t w, std::size_t p,
                                              const std::vector<std::uint64_t>& ranks) {
  const std::size_t n = rows.size() / w;
  const std::size_t group = std::clamp<std::size_t>((std::size_t{1} << 23) / std::max<std::size_t>(n, 1), 1, 16);
  std::vector<std::vector<double>> out(ranks.size(), std::vector<double>(p));
  // The levels by rank, ascending: each selection then runs over what the previous one left.
  std::vector<std::size_t> order(ranks.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&ranks](std::size_t a, std::size_t b) { return ranks[a] < ranks[b]; });
  std::vector<std::uint64_t> at(ranks.size());
  for (std::size_t i = 0; i < order.size(); ++i) at[i] = ranks[order[i]] - 1;
  // Groups of positions on the process's threads: each position's order statistics depend on
  // its own column only, so the figures do not depend on the threads.
  tbb::parallel_for(std::size_t{0}, (p + group - 1) / group, [&](std::size_t grp) {
    const std::size_t k0 = grp * group, g = std::min(group, p - k0);
    std::vector<double> cols(g * n), values(ranks.size());
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < g; ++j) cols[j * n + i] = rows[i * w] + rows[i * w + 2 + k0 + j];
    for (std::size_t j = 0; j < g; ++j) {
      const auto col = cols.begin() + static_cast<std::ptrdiff_t>(j * n);
      select_descending(col, col + static_cast<std::ptrdiff_t>(n), at, order, values.data());
      for (std::size_t l = 0; l < ranks.size(); ++l) out[l][k0 + j] = values[l];
    }
  });
  return out;
}

}  // namespace

MethodFigures tail_figures(const VarSetup& setup, const TailInputs& tail) {
  const std::size_t p = setup.book.positions.size(), w = 2 + p;
  QG_CHECK(tail.rows.empty() || tail.rows.size() == tail.losses.size() * w, "tail rows of the wrong width");
  const TailComponents components(tail.n_total, setup.spec.confidence, tail.losses.size(), p);
  MethodFigures f;
  f.scenarios = tail.n_total;
  std::vector<std::uint64_t> ranks;
  for (double a : setup.spec.confidence) {
    ranks.push_back(kv::var_rank(tail.n_total, a));
    QG_CHECK(ranks.back() <= tail.losses.size() && kv::tail_size(tail.n_total, a) <= tail.losses.size(),
             "tail shorter than the VaR rank");
    f.var.push_back(kv::var_from_top(tail.losses, tail.n_total, a));
    f.es.push_back(kv::es_from_top(tail.losses, tail.n_total, a));
  }
  f.var_se = f.es_se = std::vector<double>(ranks.size(), kNaN);
  f.component_var = components.component_var(tail.component_sums, f.var);
  f.component_es = components.component_es(tail.component_sums);
  f.incremental_var.assign(ranks.size(), std::vector<double>(p, kNaN));
  if (tail.rows.empty()) return f;
  const auto without = vars_without(tail.rows, w, p, ranks);
  for (std::size_t l = 0; l < ranks.size(); ++l)
    for (std::size_t k = 0; k < p; ++k) f.incremental_var[l][k] = f.var[l] - without[l][k];
  return f;
}

void batch_means_se(const std::vector<BatchStats>& batches, MethodFigures& f) {
  const std::size_t t = batches.size();
  if (t < 2) return;
  double s = 0;
  for (const auto& b : batches) s += b.n;
  for (std::size_t l = 0; l < f.var.size(); ++l) {
    double dv = 0, de = 0;
    for (const auto& b : batches) {
      dv += b.n * (b.var[l] - f.var[l]) * (b.var[l] - f.var[l]);
      de += b.n * (b.es[l] - f.es[l]) * (b.es[l] - f.es[l]);
    }
    f.var_se[l] = std::sqrt(dv / (static_cast<double>(t - 1) * s));
    f.es_se[l] = std::sqrt(de / (static_cast<double>(t - 1) * s));
  }
}

MethodFigures historical_figures(const VarSetup& setup) {
  const std::size_t p = setup.book.positions.size(), w = 2 + p;
  const auto n = static_cast<std::size_t>(setup.horizon_history.rows());
  std::vector<double> rows(n * w);
  Eigen::VectorXd y;
  for (std::size_t r = 0; r < n; ++r) {
    y = setup.horizon_history.row(static_cast<Eigen::Index>(r)).transpose();
    double* row = rows.data() + r * w;
    kv::position_pnl(setup.book, y.data(), row + 2);
    double pnl = 0;
    for (std::size_t k = 0; k < p; ++k) pnl += row[2 + k];
    row[0] = -pnl;
    row[1] = static_cast<double>(r);
  }
  kv::TailRows sorted(n, w);
  sorted.add(rows);
  const auto tail_rows = sorted.finish();
  TailInputs tail{n, std::vector<double>(n), {}, tail_rows};
  const TailComponents components(n, setup.spec.confidence, n, p);
  tail.component_sums.assign(components.width(), 0.0);
  for (std::size_t r = 0; r < n; ++r) {
    tail.losses[r] = tail_rows[r * w];
    components.add(r, tail_rows.data() + r * w + 2, tail.component_sums);
  }
  return tail_figures(setup, tail);
}

MethodFigures parametric_figures(const VarSetup& setup) {
  const kv::Book& book = setup.book;
  std::vector<std::size_t> asset;
  std::vector<double> delta;
  for (const auto& pos : book.positions) {
    const double s = book.prices[pos.asset];
    double d = 1.0;
    if (pos.option >= 0) {
      const auto& o = book.options[static_cast<std::size_t>(pos.option)];
      d = kv::bs_delta(o.type, s, o.strike, o.expiry, book.rate, o.vol);
    }
    asset.push_back(pos.asset);
    delta.push_back(pos.quantity * d * s);
  }
  MethodFigures f;
  for (double a : setup.spec.confidence) {
    const auto m = setup.spec.distribution == kv::Distribution::kStudentT ? kv::t_multipliers(a, setup.spec.nu)
                                                                          : kv::normal_multipliers(a);
    const auto b = kv::parametric_breakdown(setup.cov, setup.mean, asset, delta, m);
    f.var.push_back(b.var);
    f.es.push_back(b.es);
    f.var_se.push_back(kNaN);
    f.es_se.push_back(kNaN);
    f.component_var.push_back(b.component_var);
    f.component_es.push_back(b.component_es);
    f.incremental_var.push_back(b.incremental_var);
  }
  return f;
}

StressFigures stress_figures(const VarSetup& setup) {
  const std::size_t p = setup.book.positions.size();
  StressFigures f;
  std::vector<double> y(setup.assets.size()), pnl(p);
  for (const auto& scenario : setup.spec.stress) {
    std::fill(y.begin(), y.end(), 0.0);
    for (const auto& [symbol, r] : scenario.shocks) {
      const auto it = std::find(setup.assets.begin(), setup.assets.end(), symbol);
      if (it != setup.assets.end()) y[static_cast<std::size_t>(it - setup.assets.begin())] = r;
    }
    kv::position_pnl(setup.book, y.data(), pnl.data());
    double total = 0;
    for (double v : pnl) total += v;
    f.pnl.push_back(total);
    f.position_pnl.insert(f.position_pnl.end(), pnl.begin(), pnl.end());
  }
  return f;
}

BacktestFigures backtest_figures(const VarSetup& setup) {
  BacktestFigures f;
  const std::size_t bw = setup.spec.backtest_window;
  const auto r = static_cast<std::size_t>(setup.returns.rows());
  if (bw == 0 || r <= bw) return f;
  kv::Book one_day = setup.book;
  one_day.horizon_years = 1.0 / kTradingDaysPerYear;
  std::vector<double> loss(r);
  Eigen::VectorXd y;
  for (std::size_t t = 0; t < r; ++t) {
    y = setup.returns.row(static_cast<Eigen::Index>(t)).transpose();
    loss[t] = -kv::book_pnl(one_day, y.data());
  }
  const auto& levels = setup.spec.confidence;
  std::vector<std::vector<std::uint8_t>> hits(levels.size());
  for (std::size_t t = bw; t < r; ++t) {
    const std::span<const double> past(loss.data() + (t - bw), bw);
    f.dates.push_back(setup.dates[t + 1]);  // return t runs from dates[t] to dates[t + 1]
    f.pnl.push_back(-loss[t]);
    for (std::size_t l = 0; l < levels.size(); ++l) {
      const double var = kv::empirical_var(past, levels[l]);
      f.var.push_back(var);
      hits[l].push_back(loss[t] > var ? 1 : 0);
    }
  }
  for (std::size_t l = 0; l < levels.size(); ++l) f.tests.push_back(kv::coverage_test(hits[l], levels[l]));
  return f;
}

}  // namespace qg::jobs
