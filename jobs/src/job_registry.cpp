// The job kinds of this build: adding a kind is one row here plus its spec parser and job.

#include "qg/core/error.hpp"
#include "qg/jobs/job.hpp"
#include "qg/jobs/sweep_job.hpp"
#include "qg/jobs/var_job.hpp"
#include "spec_reader.hpp"

namespace qg::jobs {
namespace {

//! A job kind, the top-level keys its spec adds to the common ones, and its factory.
struct JobKind {
  std::string_view kind;
  std::span<const std::string_view> keys;
  std::unique_ptr<Job> (*make)(const std::string&, const std::string&, std::shared_ptr<const MarketData>);
};

std::unique_ptr<Job> make_sweep(const std::string& text, const std::string& origin,
                                std::shared_ptr<const MarketData> data) {
  return std::make_unique<SweepJob>(parse_sweep_spec(text, origin), std::move(data));
}

constexpr JobKind kKinds[] = {{"sweep", kSweepSpecKeys, &make_sweep}, {"var", kVarJobKeys, &make_var_job}};
constexpr std::string_view kCommonKeys[] = {"job", "name", "data", "output", "seed"};

}  // namespace

std::vector<std::string_view> job_kinds() {
  std::vector<std::string_view> out;
  for (const auto& k : kKinds) out.push_back(k.kind);
  return out;
}

std::unique_ptr<Job> make_job(const std::string& spec_text, const std::string& origin,
                              std::shared_ptr<const MarketData> data) {
  const SpecHeader header = parse_header(spec_text, origin);
  for (const auto& k : kKinds)
    if (k.kind == header.kind) return k.make(spec_text, origin, std::move(data));
  throw InternalError("job kind '" + header.kind + "' passed validation but has no factory");
}

namespace detail {

std::vector<std::string_view> top_level_keys(std::string_view kind) {
  std::vector<std::string_view> keys(std::begin(kCommonKeys), std::end(kCommonKeys));
  for (const auto& k : kKinds)
    if (k.kind == kind) keys.insert(keys.end(), k.keys.begin(), k.keys.end());
  return keys;
}

}  // namespace detail
}  // namespace qg::jobs
