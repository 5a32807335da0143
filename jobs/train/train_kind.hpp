#pragma once
// `job: train` as the registry sees it: spec keys, factory, tables and summary. Trained models
// are not approvable yet (the `model` artifact is refused by approve).
#include "qg/jobs/job_kind.hpp"

namespace qg::jobs {

const JobKind& train_kind();

}  // namespace qg::jobs
