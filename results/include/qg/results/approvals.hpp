#pragma once
// The approval side of a run file: picking the sweep row an approver signs off, and keeping
// the signed records under /approvals (docs/hdf5-schema.md, docs/operations.md).
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace qg::results {

//! One /sweep row with everything an approval record names about it.
struct SweepCandidate {
  std::int64_t row = 0;    // 0-based row of /sweep
  std::int64_t combo = 0;
  std::string symbol;
  std::string strategy;    // /sweep attribute strategy
  std::string mode;        // /sweep attribute mode
  double cost_per_unit = 0.0;
  std::vector<std::pair<std::string, double>> params;   // in the strategy's order
  std::vector<std::pair<std::string, double>> metrics;  // in metric order
  std::string job_name, spec_sha256, data_sha256;       // root attributes
  std::string run_sha256;                               // SHA-256 of the file's bytes now
  std::string results_digest;                           // RunReader::datasets_digest()
};

//! The row with the largest (or, `ascending`, smallest) value of `metric`; NaN rows never win
//! and ties go to the first row. DataError names the file and the unknown metric or a missing
//! /sweep table.
SweepCandidate best_sweep_candidate(const std::filesystem::path& run, const std::string& metric, bool ascending);
//! Row `row` of /sweep (DataError when out of range).
SweepCandidate sweep_candidate_at(const std::filesystem::path& run, std::int64_t row);

//! Adds group /approvals/NAME with string attributes `record` (the signed bytes) and
//! `record_sha256`. Atomic: the file is copied to RUN.approval.tmp, the copy is changed,
//! fsync'ed and renamed over RUN; on any failure RUN is untouched. Datasets are unchanged, so
//! datasets_digest() stays the same. DataError when NAME exists already.
void append_approval(const std::filesystem::path& run, const std::string& name, const std::string& record);
//! (NAME, record) of every approval in the file, in name order.
std::vector<std::pair<std::string, std::string>> read_approvals(const std::filesystem::path& run);

}  // namespace qg::results
