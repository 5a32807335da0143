#include "walkforward/walkforward_reducer.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "qg/core/error.hpp"
#include "qg/kernels/overfitting.hpp"
#include "qg/kernels/ruin.hpp"
#include "qg/results/run_file.hpp"
#include "walkforward/walkforward_job.hpp"

namespace qg::jobs {
namespace {

constexpr const char* kWindows = "/walkforward/windows";
constexpr const char* kOos = "/walkforward/oos";
constexpr const char* kSummary = "/walkforward/summary";
constexpr const char* kOverfitting = "/overfitting";
constexpr double kYear = 252.0;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? kNaN : s / static_cast<double>(v.size());
}

//! Annualised Sharpe (ddof = 1) of a series; 0 when its sd is 0.
double annual_sharpe(const std::vector<double>& v) {
  double s1 = 0, s2 = 0;
  for (double x : v) s1 += x, s2 += x * x;
  return kernels::sharpe_from_sums(s1, s2, static_cast<double>(v.size())) * std::sqrt(kYear);
}

double ratio(double a, double b) { return b == 0 ? kNaN : a / b; }

}  // namespace

WalkforwardReducer::WalkforwardReducer(const WalkforwardJob& job, results::RunFile& out)
    : job_(job), out_(out), width_(job.stage0_width()) {
  const std::size_t n = job.n_sets();
  sets_.reserve(n * width_);
  values_ = std::make_unique_for_overwrite<double[]>(job.plan().windows.size() * n);
  live_sharpe_.resize(n);
  cscv_ = std::make_unique_for_overwrite<double[]>(2 * static_cast<std::size_t>(job.spec().pbo_blocks) * n);
  segments_.resize(job.plan().windows.size());
  const auto& spec = job.spec();
  out_.set_attribute(kSummary, "strategy", std::string(spec.search.strategy->kind()));
  out_.set_attribute(kSummary, "mode", std::string(position_mode_name(spec.search.mode)));
  out_.set_attribute(kSummary, "symbol", job.bars().symbol);
  out_.set_attribute(kSummary, "cost_per_unit", spec.search.cost_per_unit());
  out_.set_attribute(kSummary, "objective", spec.objective);
  out_.set_attribute(kSummary, "in_sample", spec.in_sample);
  out_.set_attribute(kSummary, "out_of_sample", spec.out_of_sample);
  out_.set_attribute(kSummary, "anchored", static_cast<std::int64_t>(spec.anchored ? 1 : 0));
  out_.set_attribute(kSummary, "live_start", job.plan().j0);
  out_.set_attribute(kSummary, "live_bars", job.plan().live);
  out_.set_attribute(kSummary, "n_combos", static_cast<std::int64_t>(job.n_sets()));
}

void WalkforwardReducer::consume(std::uint32_t stage, std::uint64_t task, std::span<const double> records) {
  if (stage == 0) {
    if (task >= job_.set_tasks()) return overfitting_.add_correlation(records);
    QG_CHECK(records.size() % width_ == 0, "walk-forward task " + std::to_string(task) + " returned a partial record");
    return add_sets(task * WalkforwardJob::kSetsPerTask, records);
  }
  const std::uint64_t segments = job_.segment_tasks();  // the moments, then one segment per window
  if (task >= segments) return overfitting_.add_splits(task - segments, job_.trials().n_splits(), records);
  if (task == 0)
    overfitting_.set_moments(records);
  else
    segments_[task - 1].assign(records.begin(), records.end());
  // Records arrive in task order: after the last segment, the tables are written while the split
  // tasks still compute (unless a task failed: then the run is incomplete and nothing is written).
  if (task + 1 == segments && failures() == 0) write_walkforward();
}

void WalkforwardReducer::task_failed(std::uint32_t stage, std::uint64_t, const std::string&) {
  // The coordinator records the message in /errors; a walk-forward needs every task.
  ++failed_[stage];
}

std::vector<double> WalkforwardReducer::end_stage(std::uint32_t stage) {
  if (failures() > 0) {
    out_.set_attribute(kSummary, "complete", std::int64_t{0});
    return {};
  }
  if (stage == 0) return select_winners();
  overfitting_.write_pbo(out_, kOverfitting, job_.spec().pbo_blocks);
  out_.set_attribute(kSummary, "complete", std::int64_t{1});
  return {};
}

std::pair<double, double> WalkforwardReducer::window_sums(const double* record, std::int64_t begin,
                                                          std::int64_t end) const {
  const auto [first, last] = job_.plan().block_span(begin, end);
  const auto g = static_cast<std::size_t>(job_.plan().blocks);
  double s1 = 0, s2 = 0;
  for (auto b = static_cast<std::size_t>(first); b < static_cast<std::size_t>(last); ++b)
    s1 += record[b], s2 += record[g + b];
  return {s1, s2};
}

void WalkforwardReducer::add_sets(std::size_t first, std::span<const double> records) {
  const auto& plan = job_.plan();
  const auto& spec = job_.spec();
  const std::size_t n = job_.n_sets(), k = plan.windows.size(), s = static_cast<std::size_t>(spec.pbo_blocks);
  const std::size_t cscv_at = 2 * static_cast<std::size_t>(plan.blocks), objective_at = cscv_at + 2 * s;
  const bool sharpe = spec.objective == "sharpe";
  sets_.insert(sets_.end(), records.begin(), records.end());
  for (std::size_t j = 0; j * width_ < records.size(); ++j) {
    const std::size_t i = first + j;
    const double* r = records.data() + j * width_;
    for (std::size_t w = 0; w < k; ++w) {
      const auto& win = plan.windows[w];
      double v = 0;
      if (sharpe) {
        const auto [s1, s2] = window_sums(r, win.is_begin, win.is_end);
        v = kernels::sharpe_from_sums(s1, s2, static_cast<double>(win.is_end - win.is_begin));
      } else {
        v = r[objective_at + w];
      }
      values_[w * n + i] = spec.minimise ? -v : v;
    }
    const auto [s1, s2] = window_sums(r, plan.j0, plan.j0 + plan.blocks * plan.block);
    live_sharpe_[i] = kernels::sharpe_from_sums(s1, s2, static_cast<double>(plan.live));
    for (std::size_t b = 0; b < s; ++b) cscv_[b * n + i] = r[cscv_at + b], cscv_[(s + b) * n + i] = r[cscv_at + s + b];
  }
}

std::vector<double> WalkforwardReducer::select_winners() {
  const auto& plan = job_.plan();
  const std::size_t n = job_.n_sets(), half = static_cast<std::size_t>(job_.spec().pbo_blocks) * n;
  std::vector<double> input;
  input.reserve(plan.windows.size() + 1 + 2 * half + 2 * n);
  for (std::size_t w = 0; w < plan.windows.size(); ++w) {
    const auto& win = plan.windows[w];
    const double m = static_cast<double>(win.is_end - win.is_begin);
    const auto winner = static_cast<std::size_t>(kernels::best_index({values_.get() + w * n, n}));
    const auto [s1, s2] = window_sums(record(winner), win.is_begin, win.is_end);
    winners_.push_back(winner);
    is_ann_return_.push_back(kYear * s1 / m);
    is_sharpe_.push_back(kernels::sharpe_from_sums(s1, s2, m) * std::sqrt(kYear));
    input.push_back(static_cast<double>(winner));
  }
  overfitting_.set_live_sharpe(std::move(live_sharpe_), plan.live);
  input.push_back(static_cast<double>(overfitting_.best()));
  // Stage 1's split tasks read the CSCV block sums, block-major (s1 then s2), and every set's
  // totals over the blocks (added once here instead of once per task).
  const std::vector<double> totals =
      kernels::pbo_totals({cscv_.get(), half}, {cscv_.get() + half, half}, n, job_.spec().pbo_blocks, plan.pbo_block);
  input.insert(input.end(), cscv_.get(), cscv_.get() + 2 * half);
  input.insert(input.end(), totals.begin(), totals.end());
  values_.reset(), cscv_.reset();
  return input;
}

void WalkforwardReducer::write_walkforward() {
  const auto& plan = job_.plan();
  const auto& dates = job_.bars().date;
  auto& oos = out_.create_table(kOos, {{"date", results::ColumnType::kInt64},
                                       {"position", results::ColumnType::kFloat64},
                                       {"net_return", results::ColumnType::kFloat64},
                                       {"equity", results::ColumnType::kFloat64},
                                       {"naive_net_return", results::ColumnType::kFloat64},
                                       {"window", results::ColumnType::kInt64}});
  std::vector<double> stitched, naive, oos_sharpe, oos_ann, rows;
  double equity = 1.0;
  // Ruin (kernels/ruin.hpp) over the stitched series, and over the naive one on its own.
  bool ruined = false, naive_ruined = false;
  for (std::size_t w = 0; w < segments_.size(); ++w) {
    const auto& seg = segments_[w];
    std::vector<double> part;
    rows.clear();
    for (std::size_t i = 0; i + 2 < seg.size(); i += 3) {
      const std::int64_t j = plan.windows[w].oos_begin + static_cast<std::int64_t>(i / 3);
      const double position = ruined ? 0.0 : seg[i];  // flat after the ruin bar
      const double net = kernels::net_after_ruin(seg[i + 1], ruined);
      const double naive_net = kernels::net_after_ruin(seg[i + 2], naive_ruined);
      equity *= 1.0 + net;
      rows.insert(rows.end(), {static_cast<double>(dates[static_cast<std::size_t>(j + 1)]), position, net, equity,
                               naive_net, static_cast<double>(w)});
      part.push_back(net);
      naive.push_back(naive_net);
    }
    oos.append(rows);
    oos_sharpe.push_back(annual_sharpe(part));
    oos_ann.push_back(kYear * mean_of(part));
    stitched.insert(stitched.end(), part.begin(), part.end());
  }
  write_windows(oos_sharpe, oos_ann);
  const double ann = kYear * mean_of(stitched), is_mean = mean_of(is_ann_return_);
  out_.set_attribute(kSummary, "oos_sharpe", annual_sharpe(stitched));
  out_.set_attribute(kSummary, "oos_ann_return", ann);
  out_.set_attribute(kSummary, "is_ann_return_mean", is_mean);
  out_.set_attribute(kSummary, "wfe", ratio(ann, is_mean));
  out_.set_attribute(kSummary, "naive_oos_sharpe", annual_sharpe(naive));
  overfitting_.write_deflated_sharpe(out_, kOverfitting);
}

void WalkforwardReducer::write_windows(const std::vector<double>& oos_sharpe, const std::vector<double>& oos_ann) {
  const auto& plan = job_.plan();
  const auto& search = job_.spec().search;
  const auto& dates = job_.bars().date;
  std::vector<results::Column> cols = {
      {"k", results::ColumnType::kInt64},       {"is_start", results::ColumnType::kInt64},
      {"is_end", results::ColumnType::kInt64},  {"oos_start", results::ColumnType::kInt64},
      {"oos_end", results::ColumnType::kInt64}, {"combo", results::ColumnType::kInt64}};
  for (const auto& def : search.strategy->params())
    cols.push_back({"params/" + std::string(def.name), results::ColumnType::kFloat64});
  for (const char* c : {"is_sharpe", "oos_sharpe", "is_ann_return", "oos_ann_return", "wfe"})
    cols.push_back({c, results::ColumnType::kFloat64});
  auto& table = out_.create_table(kWindows, cols);
  auto date = [&](std::int64_t column) { return static_cast<double>(dates[static_cast<std::size_t>(column + 1)]); };
  std::vector<double> row;
  double changes = 0, distance = 0;
  for (std::size_t w = 0; w < winners_.size(); ++w) {
    const auto& win = plan.windows[w];
    const auto params = search.combos.set(winners_[w]);
    row.assign({static_cast<double>(w), date(win.is_begin), date(win.is_end - 1), date(win.oos_begin),
                date(win.oos_end - 1), static_cast<double>(winners_[w])});
    row.insert(row.end(), params.begin(), params.end());
    row.insert(row.end(),
               {is_sharpe_[w], oos_sharpe[w], is_ann_return_[w], oos_ann[w], ratio(oos_ann[w], is_ann_return_[w])});
    table.append(row);
    if (w == 0) continue;
    changes += winners_[w] != winners_[w - 1] ? 1 : 0;
    const auto before = search.combos.set(winners_[w - 1]);
    double d2 = 0;
    for (std::size_t p = 0; p < params.size(); ++p) {
      const auto& axis = search.axes[p].values;
      const double span = *std::max_element(axis.begin(), axis.end()) - *std::min_element(axis.begin(), axis.end());
      const double d = span > 0 ? (params[p] - before[p]) / span : 0.0;
      d2 += d * d;
    }
    distance += std::sqrt(d2);
  }
  const double pairs = static_cast<double>(winners_.size()) - 1;
  out_.set_attribute(kSummary, "windows", static_cast<std::int64_t>(winners_.size()));
  out_.set_attribute(kSummary, "winner_changes", pairs > 0 ? changes / pairs : 0.0);
  out_.set_attribute(kSummary, "param_distance", pairs > 0 ? distance / pairs : 0.0);
}

}  // namespace qg::jobs
