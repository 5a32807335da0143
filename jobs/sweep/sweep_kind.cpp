#include "sweep/sweep_kind.hpp"

#include <ostream>

#include "qg/core/error.hpp"
#include "qg/results/analysis.hpp"
#include "qg/results/run_file.hpp"
#include "overfitting/overfitting_report.hpp"
#include "sweep/sweep_candidate.hpp"
#include "sweep/sweep_job.hpp"
#include "sweep/sweep_overfitting.hpp"

namespace qg::jobs {
namespace {

class SweepKind final : public JobKind {
 public:
  std::string_view name() const override { return "sweep"; }
  std::span<const std::string_view> spec_keys() const override { return kSweepSpecKeys; }

  std::unique_ptr<Job> make_job(const std::string& spec_text, const std::string& origin,
                                std::shared_ptr<const MarketData> data) const override {
    return std::make_unique<SweepJob>(parse_sweep_spec(spec_text, origin), std::move(data));
  }
  std::unique_ptr<Job> make_store_job(const std::string& spec_text, const std::string& origin,
                                      std::shared_ptr<const BarSource> source) const override {
    return std::make_unique<SweepJob>(parse_sweep_spec(spec_text, origin), std::move(source));
  }

  std::span<const TableInfo> tables() const override { return tables_; }

  std::pair<std::string, bool> default_ranking(const results::RunReader& run) const override {
    return {run.string_attribute("/sweep", "rank_by"), true};
  }

  void print_summary(const results::RunReader& run, std::ostream& os) const override {
    results::print_table_overview(run, "/sweep", os);
    if (!run.has("/overfitting") || !run.has("/sweep/symbols")) return;
    const auto symbols = run.read_strings("/sweep/symbols");
    for (const auto& symbol : symbols)
      print_group_attributes(
          run, SweepOverfitting::group(symbols.size(), symbol),
          "overfitting of " + symbol + " (per-bar Sharpe ratios over its live period; DSR, PSR, PBO)", os);
  }

  Candidate candidate(const std::filesystem::path& run, const CandidateQuery& query) const override {
    if (query.best.empty() && query.row < 0)
      throw ConfigError("approve: a sweep run needs --best METRIC or --row N to pick the row");
    Candidate c = query.best.empty() ? sweep_candidate_at(run, query.row, query.where)
                                     : best_sweep_candidate(run, query.best, query.ascending, query.where);
    c.selected_by = query.best.empty() ? "row " + std::to_string(query.row)
                                       : std::string(query.ascending ? "lowest " : "highest ") + query.best;
    if (!query.where.empty()) c.selected_by += " where " + query.where;
    return c;
  }

 private:
  const std::vector<TableInfo> tables_ = {
      {"sweep", "/sweep", "one row per (parameter set, symbol): combo, symbol, params/*, metrics/*"}};
};

}  // namespace

const JobKind& sweep_kind() {
  static const SweepKind kind;
  return kind;
}

}  // namespace qg::jobs
