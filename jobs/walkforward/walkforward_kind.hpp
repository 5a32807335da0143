#pragma once
// `job: walkforward` as the registry sees it: spec keys, factory, tables, summary, and the
// approval hook (a window's winner, the last one by default).
#include "qg/jobs/job_kind.hpp"

namespace qg::jobs {

const JobKind& walkforward_kind();

}  // namespace qg::jobs
