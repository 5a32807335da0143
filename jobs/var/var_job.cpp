// The var job's plan and tasks (the two stages are described in var_job.hpp).
#include "var/var_job.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "qg/core/error.hpp"
#include "var/var_kind.hpp"
#include "var/var_reducer.hpp"
#include "var/var_spec.hpp"
#include "qg/kernels/var/simulate.hpp"
#include "qg/kernels/var/tail.hpp"

namespace qg::jobs {

namespace kv = kernels::var;

VarJob::VarJob(std::shared_ptr<const VarSetup> setup) : setup_(std::move(setup)) {
  QG_CHECK(setup_ != nullptr, "var job built without a setup");
  const VarSpec& s = setup_->spec;
  n_batches_ = (s.scenarios + s.batch - 1) / s.batch;
  sim_ = std::make_shared<const kv::Simulator>(setup_->model, setup_->book, s.header.seed);
  histogram_.emplace(PnlHistogram::for_setup(*setup_));
}

VarJob::~VarJob() = default;

const SpecHeader& VarJob::header() const { return setup_->spec.header; }

const JobKind& VarJob::kind() const { return var_kind(); }

std::uint64_t VarJob::num_tasks(std::uint32_t stage, StageInput) const {
  QG_CHECK(stage < 2, "var has two stages, asked for stage " + std::to_string(stage));
  return n_batches_;
}

std::uint64_t VarJob::batch_rows(std::uint64_t task) const {
  const VarSpec& s = setup_->spec;
  return std::min(s.batch, s.scenarios - task * s.batch);
}

std::uint64_t VarJob::tail_capacity() const {
  return kv::tail_size(setup_->spec.scenarios, setup_->spec.min_confidence());
}

std::size_t VarJob::stats_width() const {
  return kStatsHead + 2 * setup_->spec.confidence.size() + histogram_->width();
}

std::size_t VarJob::tail_width() const { return 2 + setup_->book.positions.size(); }

std::size_t VarJob::max_task_values(std::uint32_t stage, StageInput) const {
  if (stage == kStatsStage) return stats_width();
  const std::uint64_t b = setup_->spec.batch;
  const double expected = static_cast<double>(kv::tail_size(b, setup_->spec.min_confidence())) * 1.25 + 64;
  const auto rows = std::min<std::uint64_t>({b, tail_capacity(), static_cast<std::uint64_t>(expected)});
  return static_cast<std::size_t>(rows) * tail_width();
}

void VarJob::run_task(std::uint32_t stage, StageInput input, std::uint64_t task, std::vector<double>& out) const {
  QG_CHECK(task < n_batches_, "var task " + std::to_string(task) + " out of range");
  if (stage == kStatsStage) return run_stats(task, out);
  QG_CHECK(stage == kTailStage && input.size() == 1, "var: stage 1 task without its threshold");
  run_tail(task, input[0], out);
}

void VarJob::run_stats(std::uint64_t task, std::vector<double>& out) const {
  // Per-thread buffers: run_task is called concurrently from the worker's threads.
  thread_local kv::SimWorkspace ws;
  thread_local std::vector<double> losses;
  const std::uint64_t n = batch_rows(task);
  losses.resize(n);
  sim_->losses(task, 0, n, losses.data(), ws);
  double sum = 0, sum2 = 0;
  for (double l : losses) sum += l, sum2 += l * l;
  const VarSpec& s = setup_->spec;
  const std::uint64_t k = kv::tail_size(n, s.min_confidence());
  const std::vector<double> top = kv::top_k(losses, k);
  out.assign({static_cast<double>(n), sum, sum2, top[k - 1]});
  for (double a : s.confidence) {
    out.push_back(kv::var_from_top(top, n, a));
    out.push_back(kv::es_from_top(top, n, a));
  }
  const std::size_t head = out.size();
  out.resize(head + histogram_->width());
  histogram_->count(losses, std::span<double>(out).subspan(head));
}

void VarJob::run_tail(std::uint64_t task, double threshold, std::vector<double>& out) const {
  thread_local kv::SimWorkspace ws;
  thread_local std::vector<std::uint32_t> picked;
  thread_local std::vector<double> pnl, rows;
  const std::uint64_t n = batch_rows(task);
  const std::size_t p = setup_->book.positions.size(), w = tail_width();
  const double first_id = static_cast<double>(task * setup_->spec.batch);
  rows.clear();
  for (std::uint64_t first = 0; first < n; first += kv::kBlockRows) {
    const auto m = static_cast<std::size_t>(std::min<std::uint64_t>(kv::kBlockRows, n - first));
    sim_->simulate_block(task, first, m, ws);
    picked.clear();
    for (std::size_t r = 0; r < m; ++r)
      if (ws.loss[r] >= threshold) picked.push_back(static_cast<std::uint32_t>(r));
    pnl.resize(picked.size() * p);
    sim_->block_position_pnl(ws, picked, pnl.data());
    for (std::size_t i = 0; i < picked.size(); ++i) {
      rows.push_back(ws.loss[picked[i]]);
      rows.push_back(first_id + static_cast<double>(first + picked[i]));
      rows.insert(rows.end(), pnl.begin() + static_cast<std::ptrdiff_t>(i * p),
                  pnl.begin() + static_cast<std::ptrdiff_t>((i + 1) * p));
    }
  }
  // A batch never contributes more than K rows to the top K: cap it, sorted.
  kv::TailRows tail(static_cast<std::size_t>(tail_capacity()), w);
  tail.add(rows);
  const auto kept = tail.finish();
  out.assign(kept.begin(), kept.end());
}

std::unique_ptr<Reducer> VarJob::make_reducer(results::RunFile& out) const {
  return std::make_unique<VarReducer>(setup_, *this, out);
}

std::unique_ptr<Job> make_var_job(const std::string& spec_text, const std::string& origin,
                                  const std::shared_ptr<const MarketData>& data) {
  QG_CHECK(data != nullptr, "var job built without market data");
  auto setup = std::make_shared<const VarSetup>(build_var_setup(spec_text, origin, *data));
  return std::make_unique<VarJob>(std::move(setup));
}

}  // namespace qg::jobs
