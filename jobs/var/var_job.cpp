// The var job's plan and tasks (the two stages are described in var_job.hpp).
#include "var/var_job.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "qg/core/error.hpp"
#include "var/var_kind.hpp"
#include "var/var_reducer.hpp"
#include "var/tail_components.hpp"
#include "var/var_spec.hpp"
#include "qg/kernels/var/blas_threads.hpp"
#include "qg/kernels/var/simulate.hpp"
#include "qg/kernels/var/tail.hpp"

namespace qg::jobs {

namespace kv = kernels::var;

VarJob::VarJob(std::shared_ptr<const VarSetup> setup) : setup_(std::move(setup)) {
  QG_CHECK(setup_ != nullptr, "var job built without a setup");
  const VarSpec& s = setup_->spec;
  n_batches_ = (s.scenarios + s.batch - 1) / s.batch;
  sim_ = std::make_shared<const kv::Simulator>(setup_->model, setup_->book, s.header.seed);
  kv::set_blas_threads(1);  // the worker's threads run the blocks; one BLAS thread each
  histogram_.emplace(PnlHistogram::for_setup(*setup_));
}

VarJob::~VarJob() = default;

const SpecHeader& VarJob::header() const { return setup_->spec.header; }

const JobKind& VarJob::kind() const { return var_kind(); }

std::uint64_t VarJob::num_tasks(std::uint32_t stage, StageInput input) const {
  QG_CHECK(stage < 3, "var has three stages, asked for stage " + std::to_string(stage));
  if (stage == kStatsStage) return n_batches_;
  if (stage == kRerunStage) return input.empty() ? 0 : (input.size() - 1) / 3;
  return input.empty() ? 0 : n_batches_;
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

std::size_t VarJob::component_width() const {
  return 2 * setup_->book.positions.size() * setup_->spec.confidence.size();
}

bool VarJob::keeps_tail_rows() const {
  const IncrementalVar mode = setup_->spec.incremental_var;
  if (mode != IncrementalVar::kAuto) return mode == IncrementalVar::kOn;
  return static_cast<double>(tail_capacity()) * static_cast<double>(tail_width() * sizeof(double)) <=
         static_cast<double>(kTailRowsBudget);
}

std::size_t VarJob::max_task_values(std::uint32_t stage, StageInput) const {
  const std::uint64_t b = setup_->spec.batch;
  const double a_min = setup_->spec.min_confidence();
  if (stage == kStatsStage) return stats_width() + 2 * static_cast<std::size_t>(kv::kept_tail_rows(b, a_min));
  const double expected = static_cast<double>(kv::tail_size(b, a_min)) * 1.25 + 64;
  const auto rows = std::min<std::uint64_t>({b, tail_capacity(), static_cast<std::uint64_t>(expected)});
  if (stage == kRerunStage) return static_cast<std::size_t>(rows) * 2;
  return component_width() + (keeps_tail_rows() ? static_cast<std::size_t>(rows) * position_row_width() : 0);
}

void VarJob::run_task(std::uint32_t stage, StageInput input, std::uint64_t task, std::vector<double>& out) const {
  if (stage == kStatsStage) {
    QG_CHECK(task < n_batches_, "var task " + std::to_string(task) + " out of range");
    return run_stats(task, out);
  }
  QG_CHECK(task < num_tasks(stage, input), "var stage " + std::to_string(stage) + " task out of range");
  if (stage == kRerunStage) return run_rerun(input, task, out);
  run_tail(input, task, out);
}

//! Losses of batch `task`, its blocks spread over the worker's threads: each block is a pure
//! function of its counters, so the losses do not depend on which thread ran it.
void VarJob::batch_losses(std::uint64_t task, std::vector<double>& losses) const {
  const std::uint64_t n = batch_rows(task);
  losses.resize(n);
  const std::uint64_t blocks = (n + kv::kBlockRows - 1) / kv::kBlockRows;
  tbb::parallel_for(std::uint64_t{0}, blocks, [&](std::uint64_t i) {
    // Per-thread buffers; a block never waits on other work, so no other block shares them.
    thread_local kv::SimWorkspace ws;
    const std::uint64_t first = i * kv::kBlockRows;
    const auto m = static_cast<std::size_t>(std::min<std::uint64_t>(kv::kBlockRows, n - first));
    sim_->losses(task, first, m, losses.data() + first, ws);
  });
}

void VarJob::run_stats(std::uint64_t task, std::vector<double>& out) const {
  // Not thread_local: while its blocks run, this thread may run another task's blocks.
  std::vector<double> losses;
  const std::uint64_t n = batch_rows(task);
  batch_losses(task, losses);
  double sum = 0, sum2 = 0;
  for (double l : losses) sum += l, sum2 += l * l;
  const VarSpec& s = setup_->spec;
  const std::uint64_t k = kv::tail_size(n, s.min_confidence());
  const double first_id = static_cast<double>(task * s.batch);
  const std::vector<double> kept = kv::top_with_ids(losses, first_id, kv::kept_tail_rows(n, s.min_confidence()));
  std::vector<double> top(k);
  for (std::uint64_t i = 0; i < k; ++i) top[i] = kept[2 * i];
  out.assign({static_cast<double>(n), sum, sum2, top[k - 1]});
  for (double a : s.confidence) {
    out.push_back(kv::var_from_top(top, n, a));
    out.push_back(kv::es_from_top(top, n, a));
  }
  const std::size_t head = out.size();
  out.resize(head + histogram_->width());
  histogram_->count(losses, std::span<double>(out).subspan(head));
  out.insert(out.end(), kept.begin(), kept.end());
}

void VarJob::run_rerun(StageInput input, std::uint64_t task, std::vector<double>& out) const {
  std::vector<double> losses, rows;
  const double cut = input[0];
  const auto batch = static_cast<std::uint64_t>(input[1 + 3 * task]);
  const double last_loss = input[2 + 3 * task], last_id = input[3 + 3 * task];
  const std::uint64_t n = batch_rows(batch);
  batch_losses(batch, losses);
  const double first_id = static_cast<double>(batch * setup_->spec.batch);
  for (std::uint64_t r = 0; r < n; ++r) {
    const double l = losses[r], id = first_id + static_cast<double>(r);
    // Only the pairs stage 0 did not keep: after (last_loss, last_id) in the tail order.
    const bool unkept = l < last_loss || (l == last_loss && id > last_id);
    if (unkept && l >= cut) rows.insert(rows.end(), {l, id});
  }
  kv::TailRows tail(static_cast<std::size_t>(tail_capacity()), 2);
  tail.add(rows);
  const auto kept = tail.finish();
  out.assign(kept.begin(), kept.end());
}

void VarJob::run_tail(StageInput input, std::uint64_t task, std::vector<double>& out) const {
  const std::size_t k = input.size() / 2;
  const auto ids = input.first(k), ranks = input.subspan(k);
  const auto first_id = static_cast<double>(task * setup_->spec.batch);
  const auto end_id = first_id + static_cast<double>(batch_rows(task));
  const auto lo = std::lower_bound(ids.begin(), ids.end(), first_id);
  const auto hi = std::lower_bound(lo, ids.end(), end_id);
  const auto at = static_cast<std::size_t>(lo - ids.begin());
  std::vector<std::uint64_t> local;
  for (auto it = lo; it != hi; ++it) local.push_back(static_cast<std::uint64_t>(*it - first_id));
  const std::size_t p = setup_->book.positions.size(), n = local.size(), head = component_width();
  // The record: the component sums, then (rows kept) the n ids and their n x p P&L, which the
  // simulator writes in place; without the rows the P&L goes to a scratch buffer.
  std::vector<double> scratch;
  double* pnl = nullptr;
  if (keeps_tail_rows()) {
    out.resize(head + n + n * p);
    for (std::size_t i = 0; i < n; ++i) out[head + i] = first_id + static_cast<double>(local[i]);
    pnl = out.data() + head + n;
  } else {
    out.resize(head);
    scratch.resize(n * p);
    pnl = scratch.data();
  }
  // Chunks of scenarios on the worker's threads: each scenario depends only on its id.
  constexpr std::size_t kChunk = 256;
  tbb::parallel_for(std::size_t{0}, (n + kChunk - 1) / kChunk, [&](std::size_t c) {
    thread_local kv::SimWorkspace ws;
    const std::size_t first = c * kChunk, m = std::min(kChunk, n - first);
    sim_->scenario_position_pnl(task, std::span(local).subspan(first, m), pnl + first * p, ws);
  });
  // The sums in id order, whatever thread revalued a scenario.
  const TailComponents components(setup_->spec.scenarios, setup_->spec.confidence, tail_capacity(), p);
  const std::span<double> sums(out.data(), head);
  std::fill(sums.begin(), sums.end(), 0.0);
  for (std::size_t i = 0; i < n; ++i) components.add(static_cast<std::uint64_t>(ranks[at + i]), pnl + i * p, sums);
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
