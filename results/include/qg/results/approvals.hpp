#pragma once
// The signed approval records a run file keeps under /approvals (docs/hdf5-schema.md, docs/operations.md).
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace qg::results {

//! Adds group /approvals/NAME with string attributes `record` (the signed bytes) and
//! `record_sha256`. Atomic: the file is copied to RUN.approval.tmp, the copy is changed,
//! fsync'ed and renamed over RUN; on any failure RUN is untouched. Datasets are unchanged, so
//! datasets_digest() stays the same. DataError when NAME exists already.
void append_approval(const std::filesystem::path& run, const std::string& name, const std::string& record);
//! (NAME, record) of every approval in the file, in name order.
std::vector<std::pair<std::string, std::string>> read_approvals(const std::filesystem::path& run);

}  // namespace qg::results
