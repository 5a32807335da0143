#pragma once
// The sweep's approval hook: the /sweep row an approver signs off, with the evidence for it.
#include <cstdint>
#include <filesystem>
#include <string>

#include "qg/jobs/job_kind.hpp"

namespace qg::jobs {

//! The row with the largest (or, `ascending`, smallest) value of `metric`; NaN rows never win
//! and ties go to the first row. DataError names the file and the unknown metric or a missing
//! /sweep table.
Candidate best_sweep_candidate(const std::filesystem::path& run, const std::string& metric, bool ascending);
//! Row `row` of /sweep (DataError when out of range).
Candidate sweep_candidate_at(const std::filesystem::path& run, std::int64_t row);

}  // namespace qg::jobs
