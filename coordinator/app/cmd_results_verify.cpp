// `quantgrid results verify RUN...`: every dataset's contents checked against the digest
// stored beside it at write time (attribute `sha256`, docs/hdf5-schema.md).
#include <algorithm>
#include <ostream>

#include "checked_output.hpp"
#include "commands.hpp"
#include "qg/results/run_file.hpp"

namespace qg::app {

namespace {

using Status = results::DatasetCheck::Status;

//! Names each dataset of `run` whose contents do not match its stored digest.
void print_mismatches(const std::string& run, const results::DatasetsCheck& check, std::ostream& out) {
  for (const auto& dataset : check.datasets)
    if (dataset.status == Status::kMismatch)
      out << run << ": " << dataset.path << ": contents do not match the stored digest\n";
}

//! Prints one run's verdict; true when it passes.
bool report_run(const std::string& run, const results::DatasetsCheck& check, bool strict, std::ostream& out) {
  const std::size_t n = check.datasets.size();
  if (check.count(Status::kOk) == n) {
    out << "ok " << run << " (" << n << " datasets)\n";
    return true;
  }
  if (check.count(Status::kMissing) == n) {
    out << run << ": no stored digests (written by an older quantgrid)\n";
    return !strict;
  }
  print_mismatches(run, check, out);
  for (const auto& dataset : check.datasets)
    if (dataset.status == Status::kMissing) out << run << ": " << dataset.path << ": no stored digest\n";
  out << "FAILED " << run << " (" << n - check.count(Status::kOk) << " of " << n << " datasets)\n";
  return false;
}

}  // namespace

int cmd_results_verify(const VerifyArgs& args) {
  CheckedOutput out;
  bool all_pass = true;
  for (const auto& run : args.runs)
    all_pass = report_run(run, results::RunReader::open(run)->check_datasets(), args.strict, out.stream()) && all_pass;
  out.commit();
  return all_pass ? kExitOk : kExitConfig;
}

int cmd_results_digest(const std::vector<std::string>& runs) {
  CheckedOutput out;
  std::vector<std::string> digests;
  bool intact = true;
  for (const auto& run : runs) {
    const results::DatasetsCheck check = results::RunReader::open(run)->check_datasets();
    digests.push_back(check.digest);
    out.stream() << digests.back() << "  " << run << "\n";
    print_mismatches(run, check, out.stream());
    intact = intact && check.count(Status::kMismatch) == 0;
  }
  const bool match = std::all_of(digests.begin(), digests.end(), [&](const auto& d) { return d == digests[0]; });
  if (runs.size() >= 2 && match) out.stream() << "all " << runs.size() << " match: identical results\n";
  if (!match) {
    const auto differing =
        std::count_if(digests.begin(), digests.end(), [&](const auto& d) { return d != digests[0]; });
    out.stream() << "differ: " << differing << " of " << runs.size() << " do not match " << runs[0] << "\n";
  }
  out.commit();
  return match && intact ? kExitOk : kExitConfig;
}

}  // namespace qg::app
