#include "train/train_kind.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <ostream>

#include "qg/results/run_file.hpp"
#include "qg/results/text_table.hpp"
#include "train/train_candidate.hpp"
#include "train/train_job.hpp"

namespace qg::jobs {
namespace {

constexpr const char* kCv = "/train/cv";
constexpr const char* kSummary = "/train/summary";

bool is_loss(const std::string& score) { return score == "mse" || score == "log_loss"; }

//! Per hyper-parameter set: mean and population sd over the folds of every score.
void print_cv(const results::RunReader& run, const std::string& scoring, std::ostream& os) {
  const results::Table t = run.read_table(kCv);
  std::vector<std::string> params, scores;
  for (const auto& name : t.names) {
    if (name.starts_with("params/"))
      params.push_back(name);
    else if (name != "fold" && name != "test_start" && name != "test_end" && name != "n_train" && name != "param_index")
      scores.push_back(name);
  }
  std::map<double, std::vector<std::size_t>> rows_of;  // param_index -> its rows
  for (std::size_t r = 0; r < t.rows(); ++r) rows_of[t.column("param_index")[r]].push_back(r);
  std::vector<std::vector<std::string>> out{{"param_index"}};
  for (const auto& p : params) out.front().push_back(p.substr(7));
  for (const auto& s : scores) out.front().insert(out.front().end(), {"mean_" + s, "std_" + s});
  for (const auto& [index, rows] : rows_of) {
    out.push_back({results::short_number(index)});
    for (const auto& p : params) out.back().push_back(results::short_number(t.column(p)[rows.front()]));
    for (const auto& s : scores) {
      double m = 0, v = 0;
      for (std::size_t r : rows) m += t.column(s)[r] / static_cast<double>(rows.size());
      for (std::size_t r : rows) v += (t.column(s)[r] - m) * (t.column(s)[r] - m) / static_cast<double>(rows.size());
      out.back().insert(out.back().end(), {results::short_number(m), results::short_number(std::sqrt(v))});
    }
  }
  os << "\ncross-validation (per hyper-parameter set over " << rows_of.begin()->second.size() << " folds; selection by "
     << (is_loss(scoring) ? "lowest" : "highest") << " mean " << scoring << "):\n";
  results::print_aligned(out, std::vector<bool>(out.front().size(), false), os);
}

void print_best(const results::RunReader& run, std::ostream& os) {
  if (!run.has("/train/best")) return;
  const results::Table best = run.read_table("/train/best");
  os << "\nchosen:";
  for (std::size_t c = 0; c < best.names.size(); ++c)
    os << " " << best.names[c] << "=" << results::short_number(best.columns[c].front());
  os << "\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& name : run.attribute_names(kSummary))
    if (name.starts_with("oos_")) rows.push_back({name, run.attribute_text(kSummary, name)});
  if (rows.empty()) return;
  os << "out-of-fold scores of the chosen set (CPCV: mean over paths):\n";
  results::print_aligned(rows, {true, false}, os);
}

//! Per feature: the refitted model's raw coefficient, and its mean and sd over the ensemble.
void print_ensemble(const results::RunReader& run, std::ostream& os) {
  if (!run.has("/train/ensemble") || !run.has("/train/model")) return;
  const results::Table e = run.read_table("/train/ensemble");
  const results::Table model = run.read_table("/train/model");
  const auto names = run.read_strings("/train/model/feature_names");
  const std::size_t p = model.rows();
  std::vector<double> sum(p, 0.0), sq(p, 0.0), n(p, 0.0);
  for (std::size_t r = 0; r < e.rows(); ++r) {
    const auto j = static_cast<std::size_t>(e.column("feature")[r]);
    const double c = e.column("coef_raw")[r];
    sum[j] += c, sq[j] += c * c, n[j] += 1;
  }
  std::vector<std::vector<std::string>> rows{{"feature", "coef_raw", "members_mean", "members_sd"}};
  for (std::size_t j = 0; j < p; ++j) {
    const double mean = sum[j] / n[j], var = std::max(0.0, sq[j] / n[j] - mean * mean);
    rows.push_back({j < names.size() ? names[j] : std::to_string(j), results::short_number(model.column("coef_raw")[j]),
                    results::short_number(mean), results::short_number(std::sqrt(var))});
  }
  os << "\nensemble (" << results::short_number(n.empty() ? 0 : n.front())
     << " block-bootstrap members; raw coefficients):\n";
  results::print_aligned(rows, {true, false, false, false}, os);
}

class TrainKind final : public JobKind {
 public:
  std::string_view name() const override { return "train"; }
  std::span<const std::string_view> spec_keys() const override { return kTrainSpecKeys; }

  std::unique_ptr<Job> make_job(const std::string& spec_text, const std::string& origin,
                                std::shared_ptr<const MarketData> data) const override {
    return std::make_unique<TrainJob>(parse_train_spec(spec_text, origin), std::move(data));
  }

  std::span<const TableInfo> tables() const override { return tables_; }

  std::pair<std::string, bool> default_ranking(const results::RunReader& run) const override {
    const std::string scoring = run.string_attribute(kSummary, "scoring");
    return {scoring, !is_loss(scoring)};
  }

  void print_summary(const results::RunReader& run, std::ostream& os) const override {
    if (!run.has(kSummary)) return;
    std::vector<std::vector<std::string>> rows;
    for (const auto& name : run.attribute_names(kSummary))
      if (!name.starts_with("oos_")) rows.push_back({name, run.attribute_text(kSummary, name)});
    os << "\ntrain:\n";
    results::print_aligned(rows, {true, false}, os);
    if (run.has(kCv)) print_cv(run, run.string_attribute(kSummary, "scoring"), os);
    print_best(run, os);
    print_ensemble(run, os);
  }

  Candidate candidate(const std::filesystem::path& run, const CandidateQuery& query) const override {
    return train_candidate(run, query);
  }

 private:
  const std::vector<TableInfo> tables_ = {
      {"cv", kCv, "one row per (hyper-parameter set, fold): test samples, n_train, parameters, scores"},
      {"best", "/train/best", "the chosen hyper-parameter set"},
      {"model", "/train/model", "the model refitted on every sample: scaler, coefficients, intercepts"},
      {"oos", "/train/oos", "out-of-fold predictions of the chosen set: sample, date, fold, path, prediction, target"},
      {"paths", "/train/paths", "CPCV backtest paths and their scores"},
      {"ensemble", "/train/ensemble",
       "ensemble members refitted on block-bootstrap resamples: one row per (member, feature)"}};
};

}  // namespace

const JobKind& train_kind() {
  static const TrainKind kind;
  return kind;
}

}  // namespace qg::jobs
