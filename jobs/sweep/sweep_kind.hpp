#pragma once
// `job: sweep` as the registry sees it: its spec keys, factory, tables, summary and
// approval hook.
#include "qg/jobs/job_kind.hpp"

namespace qg::jobs {

const JobKind& sweep_kind();

}  // namespace qg::jobs
