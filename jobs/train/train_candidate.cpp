#include "train/train_candidate.hpp"

#include "qg/core/error.hpp"
#include "qg/core/sha256.hpp"
#include "qg/results/run_file.hpp"
#include "train/train_spec.hpp"

namespace qg::jobs {
namespace {

constexpr const char* kSummary = "/train/summary";

void check_query(const std::filesystem::path& run, const CandidateQuery& query, const std::string& scoring) {
  if (query.row >= 0)
    throw ConfigError(run.string() + ": a train run has one candidate, its chosen set (give --best, not --row)");
  if (!query.best.empty() && query.best != scoring)
    throw ConfigError(run.string() + ": the chosen set was selected by " + scoring + ", not " + query.best +
                      " (give --best alone or --best " + scoring + ")");
}

//! The chosen set's hyper-parameters, mean score and per-fold scores.
void read_cv(const results::RunReader& reader, ModelCandidate& m) {
  const results::Table best = reader.read_table("/train/best");
  for (std::size_t c = 0; c < best.names.size(); ++c)
    if (best.names[c] != "param_index") m.hyper_params.emplace_back(best.names[c], best.columns[c].front());
  const double index = best.column("param_index").front();
  const results::Table cv = reader.read_table("/train/cv");
  for (std::size_t r = 0; r < cv.rows(); ++r)
    if (cv.column("param_index")[r] == index) m.fold_scores.push_back(cv.column(m.scoring)[r]);
  m.cv_score = reader.double_attribute(kSummary, "best_mean_" + m.scoring);
}

//! The refitted model: scaler and coefficients on the standardised columns.
void read_model(const results::RunReader& reader, ModelCandidate& m) {
  const results::Table t = reader.read_table("/train/model");
  m.feature_names = reader.read_strings("/train/model/feature_names");
  m.scaler_mean = t.column("scaler_mean");
  m.scaler_scale = t.column("scaler_scale");
  m.coef = t.column("coef_standardized");
  m.intercept = t.rows() > 0 ? t.column("intercept_standardized").front() : 0.0;
}

ModelCandidate model_of(const results::RunReader& reader, const std::string& origin) {
  const TrainSpec spec = parse_train_spec(reader.string_attribute("/", "spec_text"), origin);
  ModelCandidate m;
  m.kind = std::string(model_kind_name(spec.model));
  for (const auto& f : spec.features)
    m.features.emplace_back(std::string(kernels::ml::feature_kind_name(f.kind)), f.param);
  m.target = spec.target == kernels::ml::TargetKind::kNextUp ? "next_up" : "next_return";
  m.horizon = spec.horizon;
  m.scoring = spec.scoring;
  m.loss = spec.minimise();
  read_cv(reader, m);
  read_model(reader, m);
  return m;
}

}  // namespace

Candidate train_candidate(const std::filesystem::path& run, const CandidateQuery& query) {
  const auto reader = results::RunReader::open(run);
  if (!reader->has(kSummary) || !reader->has("/train/model") || reader->int_attribute(kSummary, "complete") != 1)
    throw DataError(run.string() + ": the train run is not complete (no refitted model to approve)");
  check_query(run, query, reader->string_attribute(kSummary, "scoring"));
  Candidate c;
  c.model = model_of(*reader, run.string() + ":spec_text");
  c.symbol = reader->string_attribute(kSummary, "symbol");
  c.mode = "model";
  c.row = static_cast<std::int64_t>(reader->int_attribute(kSummary, "best_param_index"));
  c.combo = c.row;
  c.selected_by = (c.model->loss ? "lowest mean " : "highest mean ") + c.model->scoring + " over folds";
  for (const auto& name : reader->attribute_names(kSummary))
    if (name.starts_with("oos_")) c.metrics.emplace_back(name, reader->double_attribute(kSummary, name));
  c.job_name = reader->string_attribute("/", "job_name");
  c.spec_sha256 = reader->string_attribute("/", "spec_sha256");
  c.data_sha256 = reader->string_attribute("/", "data_sha256");
  c.results_digest = reader->datasets_digest();
  c.run_sha256 = sha256_file(run);
  return c;
}

}  // namespace qg::jobs
