#include "walkforward/walkforward_kind.hpp"

#include <algorithm>
#include <cmath>
#include <ostream>

#include "qg/core/error.hpp"
#include "qg/core/sha256.hpp"
#include "qg/kernels/strategy.hpp"
#include "qg/results/analysis.hpp"
#include "qg/results/run_file.hpp"
#include "qg/results/text_table.hpp"
#include "overfitting/overfitting_report.hpp"
#include "walkforward/walkforward_job.hpp"

namespace qg::jobs {
namespace {

constexpr const char* kWindows = "/walkforward/windows";
constexpr const char* kSummary = "/walkforward/summary";
constexpr const char* kOverfitting = "/overfitting";

//! The largest fall of an equity curve from its running peak (the curve starts at 1).
double max_drawdown(const std::vector<double>& equity) {
  double peak = 1.0, worst = 0.0;
  for (double e : equity) peak = std::max(peak, e), worst = std::max(worst, 1.0 - e / peak);
  return worst;
}

//! The windows table in its natural column order: dates, winner, IS and OOS figures.
void print_windows(const results::Table& t, std::ostream& os) {
  std::vector<std::string> header{"k", "is_start", "is_end", "oos_start", "oos_end", "combo"};
  for (const auto& name : t.names)
    if (name.starts_with("params/")) header.push_back(name);
  for (const char* c : {"is_sharpe", "oos_sharpe", "is_ann_return", "oos_ann_return", "wfe"}) header.emplace_back(c);
  std::vector<std::vector<std::string>> rows{{}};
  for (const auto& h : header) rows.front().push_back(h.starts_with("params/") ? h.substr(7) : h);
  for (std::size_t r = 0; r < t.rows(); ++r) {
    rows.emplace_back();
    for (const auto& h : header) rows.back().push_back(results::short_number(t.column(h)[r]));
  }
  os << "\nwindows (dates of return bars, inclusive; Sharpe and returns annualised):\n";
  results::print_aligned(rows, std::vector<bool>(header.size(), false), os);
}

class WalkforwardKind final : public JobKind {
 public:
  std::string_view name() const override { return "walkforward"; }
  std::span<const std::string_view> spec_keys() const override { return kWalkforwardSpecKeys; }

  std::unique_ptr<Job> make_job(const std::string& spec_text, const std::string& origin,
                                std::shared_ptr<const MarketData> data) const override {
    return std::make_unique<WalkforwardJob>(parse_walkforward_spec(spec_text, origin), std::move(data));
  }

  std::span<const TableInfo> tables() const override { return tables_; }

  std::pair<std::string, bool> default_ranking(const results::RunReader&) const override {
    return {"oos_sharpe", true};
  }

  void print_summary(const results::RunReader& run, std::ostream& os) const override {
    print_group_attributes(run, kSummary, "walk-forward (Sharpe annualised; OOS stitched across windows)", os);
    print_group_attributes(run, kOverfitting, "overfitting (per-bar Sharpe ratios; DSR, PSR, PBO)", os);
    if (run.has(kWindows)) print_windows(run.read_table(kWindows), os);
  }

  Candidate candidate(const std::filesystem::path& run, const CandidateQuery& query) const override {
    if (!query.best.empty())
      throw ConfigError(
          "approve: a walk-forward run approves a window's winner: give --row K (window K) or "
          "nothing (the last window), not --best");
    if (!query.where.empty()) throw ConfigError("approve: --where filters sweep rows; a walk-forward run has none");
    const auto reader = results::RunReader::open(run);
    if (!reader->has(kWindows)) throw DataError(run.string() + ": no " + std::string(kWindows) + " table");
    const results::Table windows = reader->read_table(kWindows);
    const auto n = static_cast<std::int64_t>(windows.rows());
    const std::int64_t row = query.row < 0 ? n - 1 : query.row;
    if (row < 0 || row >= n)
      throw DataError(run.string() + ":" + kWindows + ": window " + std::to_string(row) + " is out of range (0.." +
                      std::to_string(n - 1) + ")");
    const auto r = static_cast<std::size_t>(row);
    Candidate c;
    c.row = row;
    c.combo = static_cast<std::int64_t>(windows.column("combo")[r]);
    c.selected_by = query.row < 0 ? "winner of the last window (" + std::to_string(row) + ")"
                                  : "winner of window " + std::to_string(row);
    c.strategy = reader->string_attribute(kSummary, "strategy");
    c.mode = reader->string_attribute(kSummary, "mode");
    c.symbol = reader->string_attribute(kSummary, "symbol");
    c.cost_per_unit = reader->double_attribute(kSummary, "cost_per_unit");
    const kernels::Strategy* strategy = kernels::find_strategy(c.strategy);
    if (strategy == nullptr) throw DataError(run.string() + ": unknown strategy '" + c.strategy + "'");
    for (const auto& def : strategy->params())
      c.params.emplace_back(std::string(def.name), windows.column("params/" + std::string(def.name))[r]);
    // Evidence: the whole walk-forward's out-of-sample record, then the window's own.
    const auto equity = reader->read_table("/walkforward/oos").column("equity");
    c.metrics = {{"sharpe", reader->double_attribute(kSummary, "oos_sharpe")},
                 {"max_drawdown", max_drawdown(equity)},
                 {"ann_return", reader->double_attribute(kSummary, "oos_ann_return")},
                 {"wfe", reader->double_attribute(kSummary, "wfe")},
                 {"window_oos_sharpe", windows.column("oos_sharpe")[r]},
                 {"window_is_sharpe", windows.column("is_sharpe")[r]}};
    c.overfitting = overfitting_evidence(*reader, kOverfitting);
    c.job_name = reader->string_attribute("/", "job_name");
    c.spec_sha256 = reader->string_attribute("/", "spec_sha256");
    c.data_sha256 = reader->string_attribute("/", "data_sha256");
    c.results_digest = reader->datasets_digest();
    c.run_sha256 = sha256_file(run);
    return c;
  }

 private:
  const std::vector<TableInfo> tables_ = {
      {"windows", kWindows, "one row per window: dates, the in-sample winner, its IS and OOS Sharpe, WFE"},
      {"oos", "/walkforward/oos", "the stitched out-of-sample series: date, position, net return, equity"}};
};

}  // namespace

const JobKind& walkforward_kind() {
  static const WalkforwardKind kind;
  return kind;
}

}  // namespace qg::jobs
