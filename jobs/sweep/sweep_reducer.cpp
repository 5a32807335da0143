#include "sweep/sweep_reducer.hpp"

#include "qg/core/error.hpp"
#include "sweep/sweep_job.hpp"
#include "qg/results/run_file.hpp"

namespace qg::jobs {
namespace {

constexpr const char* kGroup = "/sweep";

std::vector<results::Column> sweep_columns(const SweepSpec& spec) {
  std::vector<results::Column> cols = {{"combo", results::ColumnType::kInt64}, {"symbol", results::ColumnType::kInt64}};
  for (const auto& def : spec.search.strategy->params())
    cols.push_back({"params/" + std::string(def.name), results::ColumnType::kFloat64});
  for (auto name : kernels::metric_names())
    cols.push_back({"metrics/" + std::string(name), results::ColumnType::kFloat64});
  return cols;
}

std::string where_text(const SweepSpec& spec) {
  std::string out;
  for (const auto& c : spec.search.where) out += (out.empty() ? "" : "; ") + c.text;
  return out;
}

}  // namespace

SweepReducer::SweepReducer(std::shared_ptr<const SweepSpec> spec, const std::vector<std::string>& symbols,
                           results::RunFile& out, std::unique_ptr<SweepOverfitting> overfitting)
    : spec_(std::move(spec)),
      out_(out),
      n_symbols_(static_cast<double>(symbols.size())),
      n_combos_(static_cast<double>(spec_->search.combos.size())),
      row_width_(2 + spec_->search.combos.n_params + kernels::kNumMetrics),
      overfitting_(std::move(overfitting)) {
  table_ = &out_.create_table(kGroup, sweep_columns(*spec_));
  appender_ = std::make_unique<BackgroundAppender>(*table_);
  appender_->rows().reserve((kAppendRows + SweepJob::kBlockSize) * row_width_);
  out_.write_strings(std::string(kGroup) + "/symbols", symbols);
  write_attributes(symbols.size());
}

void SweepReducer::write_attributes(std::size_t n_symbols) {
  const SweepSpec& s = *spec_;
  out_.set_attribute(kGroup, "strategy", std::string(s.search.strategy->kind()));
  out_.set_attribute(kGroup, "mode", std::string(position_mode_name(s.search.mode)));
  out_.set_attribute(kGroup, "rank_by", s.rank_by);
  out_.set_attribute(kGroup, "n_combos", static_cast<std::int64_t>(s.search.combos.size()));
  out_.set_attribute(kGroup, "n_symbols", static_cast<std::int64_t>(n_symbols));
  out_.set_attribute(kGroup, "cost_per_unit", s.search.cost_per_unit());
  out_.set_attribute(kGroup, "search", std::string(search_method_name(s.search.sampling.method)));
  out_.set_attribute(kGroup, "skipped_invalid", static_cast<std::int64_t>(s.search.combos.skipped_invalid));
  out_.set_attribute(kGroup, "where", where_text(s));
}

void SweepReducer::consume(std::uint32_t stage, std::uint64_t task, std::span<const double> records) {
  if (stage > 0 && overfitting_ != nullptr) return overfitting_->consume(stage, task, records);
  QG_CHECK(stage == 0, "sweep without overfitting has one stage, got records of stage " + std::to_string(stage));
  constexpr std::size_t w = SweepJob::kRecordWidth;
  QG_CHECK(records.size() % w == 0, "task " + std::to_string(task) + " returned a partial record");
  const SweepSpec& s = *spec_;
  const std::size_t n_params = s.search.combos.n_params;
  std::vector<double>& rows = appender_->rows();
  const std::size_t at = rows.size();
  rows.resize(at + records.size() / w * row_width_);
  double* row = rows.data() + at;
  for (std::size_t r = 0; r < records.size(); r += w, row += row_width_) {
    const double combo = records[r], symbol = records[r + 1];
    const bool known = combo >= 0 && combo < n_combos_ && symbol >= 0 && symbol < n_symbols_;
    if (!known) rows.resize(at);  // a rejected task's rows are not written
    QG_CHECK(known, "task " + std::to_string(task) + " returned a record for an unknown combo or symbol");
    const auto params = s.search.combos.set(static_cast<std::size_t>(combo));
    row[0] = combo;
    row[1] = symbol;
    std::copy(params.begin(), params.end(), row + 2);
    std::copy(records.begin() + static_cast<std::ptrdiff_t>(r + 2),
              records.begin() + static_cast<std::ptrdiff_t>(r + w), row + 2 + n_params);
  }
  if (rows.size() >= kAppendRows * row_width_) append_rows();
}

void SweepReducer::append_rows() { appender_->hand_over(); }

void SweepReducer::task_failed(std::uint32_t stage, std::uint64_t task, const std::string& message) {
  // The coordinator records the message in /errors; the sweep only counts what is missing.
  (void)task;
  (void)message;
  if (stage > 0 && overfitting_ != nullptr) return overfitting_->task_failed(stage);
  ++failed_;
}

std::vector<double> SweepReducer::end_stage(std::uint32_t stage) {
  if (stage > 0 && overfitting_ != nullptr) return overfitting_->end_stage(stage);
  QG_CHECK(stage == 0, "sweep without overfitting has one stage, got end of stage " + std::to_string(stage));
  append_rows();
  appender_->wait();  // every row is in the table before anything else is written to the file
  out_.set_attribute(kGroup, "failed_tasks", static_cast<std::int64_t>(failed_));
  return overfitting_ != nullptr ? overfitting_->begin() : std::vector<double>{};
}

}  // namespace qg::jobs
