// The job kinds of this build. Adding a kind is its folder under jobs/ and one line here.
#include "qg/jobs/registry.hpp"

#include <algorithm>

#include "qg/core/error.hpp"
#include "qg/jobs/job.hpp"
#include "qg/jobs/spec_reader.hpp"
#include "qg/results/run_file.hpp"
#include "sweep/sweep_kind.hpp"
#include "train/train_kind.hpp"
#include "var/var_kind.hpp"
#include "walkforward/walkforward_kind.hpp"

namespace qg::jobs {
namespace {

const JobKind* const kKinds[] = {&sweep_kind(), &var_kind(), &walkforward_kind(), &train_kind()};
constexpr std::string_view kCommonKeys[] = {"job", "name", "data", "output", "seed"};

}  // namespace

Candidate JobKind::candidate(const std::filesystem::path& run, const CandidateQuery&) const {
  throw ConfigError(run.string() + ": a " + std::string(name()) + " run holds nothing to approve");
}

std::vector<std::string_view> job_kinds() {
  std::vector<std::string_view> out;
  for (const JobKind* k : kKinds) out.push_back(k->name());
  return out;
}

const JobKind& find_kind(std::string_view name) {
  for (const JobKind* k : kKinds)
    if (k->name() == name) return *k;
  throw ConfigError("unknown job kind '" + std::string(name) + "' (known: " + detail::join_names(job_kinds()) + ")");
}

const JobKind& kind_of_run(const results::RunReader& reader, const std::filesystem::path& run) {
  const auto present = reader.attribute_names("/");
  if (std::find(present.begin(), present.end(), "job_kind") == present.end())
    throw DataError(run.string() + ": no job_kind attribute (not a quantgrid run file?)");
  const std::string name = reader.string_attribute("/", "job_kind");
  for (const JobKind* k : kKinds)
    if (k->name() == name) return *k;
  throw DataError(run.string() + ": job kind '" + name +
                  "' is unknown to this build (known: " + detail::join_names(job_kinds()) + ")");
}

const TableInfo& find_table(const JobKind& kind, std::string_view name) {
  const auto tables = kind.tables();
  if (name.empty()) return tables.front();
  std::vector<std::string_view> names;
  for (const TableInfo& t : tables) {
    const bool by_path = !t.path.empty() && t.path.substr(1) == name;  // "var/components" for "/var/components"
    if (t.name == name || t.path == name || by_path) return t;
    names.push_back(t.name);
  }
  throw ConfigError("no table '" + std::string(name) + "' in a " + std::string(kind.name()) +
                    " run (tables: " + detail::join_names(names) + ")");
}

Candidate find_candidate(const std::filesystem::path& run, const CandidateQuery& query) {
  const JobKind* kind = nullptr;
  {
    const auto reader = results::RunReader::open(run);  // closed before the kind reads the file
    kind = &kind_of_run(*reader, run);
  }
  return kind->candidate(run, query);
}

std::unique_ptr<Job> make_job(const std::string& spec_text, const std::string& origin,
                              std::shared_ptr<const MarketData> data) {
  const SpecHeader header = parse_header(spec_text, origin);
  return find_kind(header.kind).make_job(spec_text, origin, std::move(data));
}

std::unique_ptr<Job> make_job(const std::string& spec_text, const std::string& origin,
                              std::shared_ptr<const BarSource> source) {
  const SpecHeader header = parse_header(spec_text, origin);
  return find_kind(header.kind).make_store_job(spec_text, origin, std::move(source));
}

// The interface takes the source by value for the kinds that keep it; this default reads it once.
std::unique_ptr<Job> JobKind::make_store_job(
    const std::string& spec_text, const std::string& origin,
    std::shared_ptr<const BarSource> source)  // NOLINT(performance-unnecessary-value-param)
    const {
  QG_CHECK(source != nullptr, "job built without a bar source");
  return make_job(spec_text, origin, std::make_shared<const MarketData>(load_all(*source)));
}

namespace detail {

std::vector<std::string_view> top_level_keys(std::string_view kind) {
  std::vector<std::string_view> keys(std::begin(kCommonKeys), std::end(kCommonKeys));
  for (const JobKind* k : kKinds)
    if (k->name() == kind) keys.insert(keys.end(), k->spec_keys().begin(), k->spec_keys().end());
  return keys;
}

}  // namespace detail
}  // namespace qg::jobs
