#pragma once
// The job kinds of this build (jobs/src/registry.cpp holds one line per kind).
#include <filesystem>
#include <string_view>
#include <vector>

#include "qg/jobs/job_kind.hpp"

namespace qg::results {
class RunReader;
}

namespace qg::jobs {

//! Names of the registered kinds, in registration order.
std::vector<std::string_view> job_kinds();
//! The kind named `name`; ConfigError listing the known kinds otherwise.
const JobKind& find_kind(std::string_view name);
//! The kind that wrote a run file (its root attribute job_kind); DataError naming `run` when
//! the attribute is missing or names a kind this build does not know.
const JobKind& kind_of_run(const results::RunReader& reader, const std::filesystem::path& run);
//! A table of `kind` by name ("components") or group path ("/var/components"); empty: the
//! main table. ConfigError listing the kind's tables otherwise.
const TableInfo& find_table(const JobKind& kind, std::string_view name);

//! The deployable row `query` picks in a run file, through its kind's approval hook.
Candidate find_candidate(const std::filesystem::path& run, const CandidateQuery& query);

}  // namespace qg::jobs
