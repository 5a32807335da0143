#pragma once
// `job: var` as the registry sees it: its spec keys, factory, tables and summary.
#include "qg/jobs/job_kind.hpp"

namespace qg::jobs {

const JobKind& var_kind();

}  // namespace qg::jobs
