#pragma once
// The sweep's approval hook: the /sweep row an approver signs off, with the evidence for it.
#include <cstdint>
#include <filesystem>
#include <string>

#include "qg/jobs/job_kind.hpp"

namespace qg::jobs {

//! The row with the largest (or, `ascending`, smallest) value of `metric` among the rows that
//! pass `where` (a results::RowFilter expression; empty: every row); NaN rows never win and ties
//! go to the first row. DataError names the file and the unknown metric or column, a missing
//! /sweep table, or says that no row passes.
Candidate best_sweep_candidate(const std::filesystem::path& run, const std::string& metric, bool ascending,
                               const std::string& where = {});
//! Row `row` of /sweep (DataError when out of range, or when it does not pass `where`).
Candidate sweep_candidate_at(const std::filesystem::path& run, std::int64_t row, const std::string& where = {});

}  // namespace qg::jobs
