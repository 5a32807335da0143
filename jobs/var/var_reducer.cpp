// The var reduce: batch statistics -> threshold, tails -> exact top K, then every figure.
#include "var/var_reducer.hpp"

#include <Eigen/Core>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>

#include "qg/core/error.hpp"
#include "var/var_job.hpp"
#include "var/var_spec.hpp"
#include "qg/results/run_file.hpp"

namespace qg::jobs {
namespace {

namespace kv = kernels::var;
using results::ColumnType;
constexpr const char* kGroup = "/var";
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const std::vector<std::string> kMethodNames = {"monte_carlo", "historical", "parametric"};

//! Figures of a Monte Carlo run that could not complete: NaN everywhere.
MethodFigures missing_figures(std::size_t levels, std::size_t positions) {
  MethodFigures f;
  f.var = f.es = f.var_se = f.es_se = std::vector<double>(levels, kNaN);
  f.component_var = f.component_es = f.incremental_var =
      std::vector<std::vector<double>>(levels, std::vector<double>(positions, kNaN));
  return f;
}

//! 0.975 -> "0.975" (shortest round-trip form).
std::string level_text(double a) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, a);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(a);
}

}  // namespace

VarReducer::VarReducer(std::shared_ptr<const VarSetup> setup, const VarJob& job, results::RunFile& out)
    : setup_(std::move(setup)),
      out_(out),
      n_tasks_(job.num_tasks(VarJob::kStatsStage, {})),
      tail_capacity_(job.tail_capacity()),
      stats_width_(job.stats_width()),
      histogram_(job.histogram()),
      histogram_counts_(histogram_.width(), 0.0),
      tail_width_(job.tail_width()),
      component_width_(job.component_width()),
      keeps_rows_(job.keeps_tail_rows()) {
  pairs_.emplace(static_cast<std::size_t>(tail_capacity_), 2);
}

void VarReducer::consume(std::uint32_t stage, std::uint64_t task, std::span<const double> records) {
  if (stage == VarJob::kRerunStage) return pairs_->add(records);
  if (stage == VarJob::kTailStage) return consume_tail(records);
  QG_CHECK(stage == VarJob::kStatsStage && records.size() >= stats_width_ + 2 && records.size() % 2 == 0,
           "var: bad stage-0 record of task " + std::to_string(task));
  BatchStats b{records[0], records[1], records[2], records[3], {}, {}};
  const std::size_t counts_at = stats_width_ - histogram_.width();
  for (std::size_t i = 0; i < histogram_.width(); ++i) histogram_counts_[i] += records[counts_at + i];
  for (std::size_t i = VarJob::kStatsHead; i < counts_at; i += 2) {
    b.var.push_back(records[i]);
    b.es.push_back(records[i + 1]);
  }
  const auto pairs = records.subspan(stats_width_);
  const std::size_t kept_pairs = pairs.size() / 2;  // (loss, id) pairs
  const bool kept_all = static_cast<double>(kept_pairs) >= b.n;
  last_kept_.insert(last_kept_.end(), {static_cast<double>(task), kept_all ? 1.0 : 0.0, pairs[pairs.size() - 2],
                                       pairs[pairs.size() - 1]});
  pairs_->add(pairs);
  batches_.push_back(std::move(b));
}

void VarReducer::task_failed(std::uint32_t stage, std::uint64_t task, const std::string& message) {
  // The coordinator records the message in /errors; without every batch the Monte Carlo
  // figures are not those of the spec, so they are written as NaN.
  (void)stage;
  (void)task;
  (void)message;
  ++failed_;
}

std::vector<double> VarReducer::end_stage(std::uint32_t stage) {
  if (stage == VarJob::kStatsStage) {
    threshold_ = std::numeric_limits<double>::infinity();
    for (const auto& b : batches_) threshold_ = std::min(threshold_, b.threshold);
    return failed_ == 0 ? rerun_input() : std::vector<double>{};
  }
  if (stage == VarJob::kRerunStage) return failed_ == 0 ? tail_ids() : std::vector<double>{};
  QG_CHECK(stage == VarJob::kTailStage, "var has three stages");
  write_results();
  return {};
}

//! {K-th loss, then (batch, last loss, last id) of every batch that kept only part of its
//! scenarios and whose last kept pair is among the merged K largest: its unkept scenarios
//! might be too}. The pairs order is loss descending, id ascending.
std::vector<double> VarReducer::rerun_input() {
  const auto top = pairs_->finish();
  QG_CHECK(top.size() / 2 == tail_capacity_, "var: the batches kept fewer pairs than the tail holds");
  const double cut_loss = top[top.size() - 2], cut_id = top[top.size() - 1];
  std::vector<double> input = {cut_loss};
  for (std::size_t i = 0; i < last_kept_.size(); i += 4) {
    const double loss = last_kept_[i + 2], id = last_kept_[i + 3];
    const bool inside = loss > cut_loss || (loss == cut_loss && id <= cut_id);
    if (last_kept_[i + 1] == 0.0 && inside) input.insert(input.end(), {last_kept_[i], loss, id});
  }
  return input;
}

//! Stage 2's input: the ids of the exact K largest losses, ascending, then each one's 0-based
//! loss rank. Keeps the losses in rank order and sets up the sums (and rows) stage 2 fills.
std::vector<double> VarReducer::tail_ids() {
  const auto top = pairs_->finish();
  const std::size_t k = top.size() / 2;
  QG_CHECK(k == tail_capacity_,
           "var: the merged tail holds " + std::to_string(k) + " pairs, expected " + std::to_string(tail_capacity_));
  rank_by_id_.resize(k);
  std::iota(rank_by_id_.begin(), rank_by_id_.end(), 0u);
  std::sort(rank_by_id_.begin(), rank_by_id_.end(),
            [&top](std::uint32_t x, std::uint32_t y) { return top[2 * x + 1] < top[2 * y + 1]; });
  losses_.resize(k);
  for (std::size_t i = 0; i < k; ++i) losses_[i] = top[2 * i];
  component_sums_.assign(component_width_, 0.0);
  if (keeps_rows_) {
    // Not filled here: K x (2 + positions) doubles are 221 MB at 10^6 scenarios and 550
    // positions, whose first-touch page faults took 0.4-1.6 s on this serial path between the
    // stages while the workers waited (more with huge pages on a VM). consume_tail writes each
    // row whole (loss, id, P&L) as stage 2 delivers it, while the workers compute the next rows.
    tail_ = std::make_unique_for_overwrite<double[]>(k * tail_width_);
    tail_ids_.resize(k);
    for (std::size_t i = 0; i < k; ++i) tail_ids_[i] = top[2 * i + 1];
  }
  std::vector<double> input(2 * k);
  for (std::size_t i = 0; i < k; ++i) {
    input[i] = top[2 * rank_by_id_[i] + 1];
    input[k + i] = rank_by_id_[i];
  }
  pairs_.reset();
  return input;
}

//! A stage-2 record: the task's component sums, added in task order; then, with the rows kept,
//! its ids (ascending, continuing the previous task's) and their P&L rows, each placed at its
//! scenario's rank.
void VarReducer::consume_tail(std::span<const double> records) {
  QG_CHECK(records.size() >= component_width_, "var: short stage-2 record");
  for (std::size_t i = 0; i < component_width_; ++i) component_sums_[i] += records[i];
  ++tail_records_;
  const auto rest = records.subspan(component_width_);
  const std::size_t p = tail_width_ - 2;
  QG_CHECK(rest.empty() || (keeps_rows_ && rest.size() % (p + 1) == 0), "var: partial stage-2 rows");
  const std::size_t n = rest.size() / (p + 1);
  for (std::size_t i = 0; i < n; ++i) {
    QG_CHECK(placed_ < rank_by_id_.size(), "var: more tail rows than the tail holds");
    const std::size_t rank = rank_by_id_[placed_++];
    QG_CHECK(rest[i] == tail_ids_[rank], "var: stage-2 rows out of id order");
    double* row = tail_.get() + rank * tail_width_;
    row[0] = losses_[rank];
    row[1] = tail_ids_[rank];
    std::copy_n(rest.data() + n + i * p, p, row + 2);
  }
}

void VarReducer::write_results() {
  const VarSetup& s = *setup_;
  const std::size_t levels = s.spec.confidence.size(), p = s.book.positions.size();
  MethodFigures mc = missing_figures(levels, p);
  if (failed_ == 0) {
    QG_CHECK(tail_records_ == n_tasks_ && placed_ == (keeps_rows_ ? tail_capacity_ : 0),
             "var: " + std::to_string(placed_) + " tail rows placed, expected " + std::to_string(tail_capacity_));
    mc = tail_figures(
        s, {s.spec.scenarios, std::move(losses_), std::move(component_sums_), {tail_.get(), placed_ * tail_width_}});
    batch_means_se(batches_, mc);
  }
  const MethodFigures hist = historical_figures(s);
  const MethodFigures param = parametric_figures(s);
  write_attributes(mc);
  write_assets();
  write_summary({&mc, &hist, &param});
  write_components({&mc, &hist, &param});
  write_stress();
  write_backtest();
  write_histogram();
}

void VarReducer::write_attributes(const MethodFigures& mc) {
  const VarSpec& spec = setup_->spec;
  out_.set_attribute(kGroup, "scenarios", static_cast<std::int64_t>(spec.scenarios));
  out_.set_attribute(kGroup, "batch", static_cast<std::int64_t>(spec.batch));
  out_.set_attribute(kGroup, "batches", static_cast<std::int64_t>(n_tasks_));
  out_.set_attribute(kGroup, "tail_rows", static_cast<std::int64_t>(tail_capacity_));
  out_.set_attribute(kGroup, "incremental_var", keeps_rows_ ? "tail" : "none");
  out_.set_attribute(kGroup, "tail_threshold", threshold_);
  out_.set_attribute(kGroup, "horizon_days", static_cast<std::int64_t>(spec.horizon_days));
  out_.set_attribute(kGroup, "distribution", std::string(distribution_name(spec.distribution)));
  out_.set_attribute(kGroup, "nu", static_cast<std::int64_t>(spec.nu));
  out_.set_attribute(kGroup, "covariance", spec.covariance == CovarianceKind::kEwma ? "ewma" : "sample");
  out_.set_attribute(kGroup, "lambda", spec.covariance == CovarianceKind::kEwma ? spec.lambda : kNaN);
  out_.set_attribute(kGroup, "mean", spec.mean == MeanKind::kSample ? "sample" : "zero");
  out_.set_attribute(kGroup, "shrinkage", spec.shrinkage);
  out_.set_attribute(kGroup, "window", static_cast<std::int64_t>(spec.window));
  const auto& d = setup_->dates;
  out_.set_attribute(kGroup, "window_start", static_cast<std::int64_t>(d[d.size() - spec.window]));
  out_.set_attribute(kGroup, "window_end", static_cast<std::int64_t>(d.back()));
  out_.set_attribute(kGroup, "rate", spec.rate);
  out_.set_attribute(kGroup, "se_method", "batch_means");
  out_.set_attribute(kGroup, "failed_tasks", static_cast<std::int64_t>(failed_));
  out_.set_attribute(kGroup, "monte_carlo_complete", static_cast<std::int64_t>(failed_ == 0 && !mc.var.empty()));
  out_.set_attribute(kGroup, "backtest_method", "historical");
  out_.set_attribute(kGroup, "backtest_window", static_cast<std::int64_t>(spec.backtest_window));
}

void VarReducer::write_assets() {
  const VarSetup& s = *setup_;
  const Eigen::VectorXd lin = s.book.linear_exposure(), delta = s.book.delta_exposure();
  auto& table = out_.create_table("/var/assets", {{"price", ColumnType::kFloat64},
                                                  {"exposure", ColumnType::kFloat64},
                                                  {"delta_exposure", ColumnType::kFloat64},
                                                  {"volatility", ColumnType::kFloat64}});
  std::vector<double> rows;
  for (Eigen::Index a = 0; a < lin.size(); ++a)
    rows.insert(rows.end(), {s.book.prices[static_cast<std::size_t>(a)], lin(a), delta(a), std::sqrt(s.cov(a, a))});
  table.append(rows);
  out_.write_strings("/var/assets/symbols", s.assets);
}

void VarReducer::write_summary(const std::vector<const MethodFigures*>& methods) {
  auto& table = out_.create_table("/var/summary", {{"method", ColumnType::kInt64},
                                                   {"confidence", ColumnType::kFloat64},
                                                   {"var", ColumnType::kFloat64},
                                                   {"es", ColumnType::kFloat64},
                                                   {"var_se", ColumnType::kFloat64},
                                                   {"es_se", ColumnType::kFloat64},
                                                   {"scenarios", ColumnType::kInt64}});
  const auto& levels = setup_->spec.confidence;
  std::vector<double> rows;
  for (std::size_t m = 0; m < methods.size(); ++m) {
    const MethodFigures& f = *methods[m];
    for (std::size_t l = 0; l < levels.size(); ++l)
      rows.insert(rows.end(), {static_cast<double>(m), levels[l], f.var[l], f.es[l], f.var_se[l], f.es_se[l],
                               static_cast<double>(f.scenarios)});
  }
  table.append(rows);
  std::vector<std::string> names;
  for (std::size_t m = 0; m < methods.size(); ++m) names.insert(names.end(), levels.size(), kMethodNames[m]);
  out_.write_strings("/var/summary/method_name", names);
}

void VarReducer::write_components(const std::vector<const MethodFigures*>& methods) {
  auto& table = out_.create_table("/var/components", {{"method", ColumnType::kInt64},
                                                      {"position", ColumnType::kInt64},
                                                      {"confidence", ColumnType::kFloat64},
                                                      {"component_var", ColumnType::kFloat64},
                                                      {"component_es", ColumnType::kFloat64},
                                                      {"marginal_var", ColumnType::kFloat64},
                                                      {"incremental_var", ColumnType::kFloat64}});
  const auto& levels = setup_->spec.confidence;
  const auto& positions = setup_->book.positions;
  std::vector<double> rows;
  std::vector<std::string> method_names, position_names;
  for (std::size_t m = 0; m < methods.size(); ++m)
    for (std::size_t k = 0; k < positions.size(); ++k)
      for (std::size_t l = 0; l < levels.size(); ++l) {
        const MethodFigures& f = *methods[m];
        method_names.push_back(kMethodNames[m]);
        position_names.push_back(setup_->position_names[k]);
        const double c = f.component_var[l][k];
        rows.insert(rows.end(), {static_cast<double>(m), static_cast<double>(k), levels[l], c, f.component_es[l][k],
                                 c / positions[k].quantity, f.incremental_var[l][k]});
      }
  table.append(rows);
  out_.write_strings("/var/components/method_name", method_names);
  out_.write_strings("/var/components/position_name", position_names);
}

void VarReducer::write_stress() {
  const auto& stress = setup_->spec.stress;
  if (stress.empty()) return;
  const StressFigures f = stress_figures(*setup_);
  auto& table = out_.create_table(
      "/var/stress", {{"scenario", ColumnType::kInt64}, {"pnl", ColumnType::kFloat64}, {"loss", ColumnType::kFloat64}});
  auto& per_position = out_.create_table(
      "/var/stress_positions",
      {{"scenario", ColumnType::kInt64}, {"position", ColumnType::kInt64}, {"pnl", ColumnType::kFloat64}});
  std::vector<double> rows, prow;
  std::vector<std::string> names;
  const std::size_t p = setup_->book.positions.size();
  for (std::size_t i = 0; i < stress.size(); ++i) {
    rows.insert(rows.end(), {static_cast<double>(i), f.pnl[i], -f.pnl[i]});
    for (std::size_t k = 0; k < p; ++k)
      prow.insert(prow.end(), {static_cast<double>(i), static_cast<double>(k), f.position_pnl[i * p + k]});
    names.push_back(stress[i].name);
  }
  table.append(rows);
  per_position.append(prow);
  out_.write_strings("/var/stress/name", names);
}

void VarReducer::write_backtest() {
  const BacktestFigures f = backtest_figures(*setup_);
  if (f.tests.empty()) return;
  const auto& levels = setup_->spec.confidence;
  auto& table = out_.create_table("/var/backtest", {{"confidence", ColumnType::kFloat64},
                                                    {"observations", ColumnType::kInt64},
                                                    {"exceptions", ColumnType::kInt64},
                                                    {"expected", ColumnType::kFloat64},
                                                    {"kupiec_lr", ColumnType::kFloat64},
                                                    {"kupiec_p", ColumnType::kFloat64},
                                                    {"independence_lr", ColumnType::kFloat64},
                                                    {"independence_p", ColumnType::kFloat64},
                                                    {"cc_lr", ColumnType::kFloat64},
                                                    {"cc_p", ColumnType::kFloat64},
                                                    {"zone", ColumnType::kInt64},
                                                    {"n00", ColumnType::kInt64},
                                                    {"n01", ColumnType::kInt64},
                                                    {"n10", ColumnType::kInt64},
                                                    {"n11", ColumnType::kInt64}});
  std::vector<double> rows;
  std::vector<std::string> zones;
  for (std::size_t l = 0; l < levels.size(); ++l) {
    const auto& t = f.tests[l];
    zones.emplace_back(kv::zone_name(t.zone));
    rows.insert(rows.end(), {levels[l], double(t.n), double(t.exceptions), double(t.n) * (1 - levels[l]), t.lr_pof,
                             t.p_pof, t.lr_ind, t.p_ind, t.lr_cc, t.p_cc, double(static_cast<int>(t.zone)),
                             double(t.n00), double(t.n01), double(t.n10), double(t.n11)});
  }
  table.append(rows);
  out_.write_strings("/var/backtest/zone_name", zones);

  std::vector<results::Column> day_cols = {{"date", ColumnType::kInt64}, {"pnl", ColumnType::kFloat64}};
  for (double a : levels) day_cols.push_back({"var_" + level_text(a), ColumnType::kFloat64});
  auto& days = out_.create_table("/var/backtest_days", day_cols);
  std::vector<double> drows;
  for (std::size_t t = 0; t < f.dates.size(); ++t) {
    drows.push_back(f.dates[t]);
    drows.push_back(f.pnl[t]);
    for (std::size_t l = 0; l < levels.size(); ++l) drows.push_back(f.var[t * levels.size() + l]);
  }
  days.append(drows);
}

//! Every scenario's P&L in the fixed bins, the counts summed over the batches; the scenarios
//! below the first edge and at or above the last in the group's attributes.
void VarReducer::write_histogram() {
  const std::string group = "/var/pnl_histogram";
  auto& table = out_.create_table(
      group, {{"lower", ColumnType::kFloat64}, {"upper", ColumnType::kFloat64}, {"count", ColumnType::kInt64}});
  std::vector<double> rows;
  for (std::size_t i = 0; i < histogram_.bins(); ++i)
    rows.insert(rows.end(), {histogram_.edge(i), histogram_.edge(i + 1), histogram_counts_[i]});
  table.append(rows);
  out_.set_attribute(group, "below", static_cast<std::int64_t>(histogram_counts_[histogram_.bins()]));
  out_.set_attribute(group, "above", static_cast<std::int64_t>(histogram_counts_[histogram_.bins() + 1]));
  out_.set_attribute(group, "complete", static_cast<std::int64_t>(failed_ == 0));
}

}  // namespace qg::jobs
