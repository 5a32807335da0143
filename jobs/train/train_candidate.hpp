#pragma once
// What `quantgrid approve` signs off on a train run: the model refitted with the chosen
// hyper-parameters (/train/model), its feature spec (the run's spec text), and the chosen set's
// cross-validation scores as evidence.
#include <filesystem>

#include "qg/jobs/job_kind.hpp"

namespace qg::jobs {

//! The candidate of a complete train run. `query.best` may be empty or the run's scoring (the
//! chosen set is the only candidate); `query.row` must be unset. ConfigError / DataError otherwise.
Candidate train_candidate(const std::filesystem::path& run, const CandidateQuery& query);

}  // namespace qg::jobs
