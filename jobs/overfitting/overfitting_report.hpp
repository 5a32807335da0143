#pragma once
// Reading a run's /overfitting attributes back: the evidence an approval carries, and the
// attribute listing of `results summary`.
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "qg/results/run_file.hpp"

namespace qg::jobs {

//! The statistics an approval carries ("dsr", "pbo", "psr", "dsr_n_eff", "n_trials"), those of
//! them that `group` holds (none when the group is absent or its statistics were skipped).
std::vector<std::pair<std::string, double>> overfitting_evidence(const results::RunReader& run,
                                                                 const std::string& group);

//! "TITLE:" and the group's attributes as aligned name/value rows; nothing when it is absent.
void print_group_attributes(const results::RunReader& run, const std::string& group, const std::string& title,
                            std::ostream& os);

}  // namespace qg::jobs
