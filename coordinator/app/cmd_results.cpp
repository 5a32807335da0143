// `quantgrid results top|summary|export|tables|digest`: each reads the run's job kind from the
// file and follows that kind's tables (jobs/run_reports.hpp).
#include <algorithm>
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "qg/core/error.hpp"
#include "qg/jobs/run_reports.hpp"
#include "qg/results/run_file.hpp"

namespace qg::app {

int cmd_results_top(const TopArgs& args) {
  jobs::print_run_top(args.run, {args.by, args.n, args.ascending, args.where, args.group_by, args.agg}, std::cout);
  return kExitOk;
}

int cmd_results_summary(const std::string& run) {
  jobs::print_run_summary(run, std::cout);
  return kExitOk;
}

int cmd_results_tables(const std::string& run) {
  jobs::print_run_tables(run, std::cout);
  return kExitOk;
}

int cmd_results_export(const ExportArgs& args) {
  if (args.out.empty()) {
    jobs::export_run_table(args.run, args.table, std::cout);
    return kExitOk;
  }
  std::ofstream out(args.out);
  if (!out) throw IoError(args.out + ": cannot write");
  jobs::export_run_table(args.run, args.table, out);
  out.close();
  if (!out) throw IoError(args.out + ": write failed");
  return kExitOk;
}

int cmd_results_digest(const std::vector<std::string>& runs) {
  std::vector<std::string> digests;
  for (const auto& run : runs) {
    digests.push_back(results::RunReader::open(run)->datasets_digest());
    std::cout << digests.back() << "  " << run << "\n";
  }
  if (runs.size() < 2) return kExitOk;
  const auto differing = std::count_if(digests.begin(), digests.end(), [&](const auto& d) { return d != digests[0]; });
  if (differing == 0) {
    std::cout << "all " << runs.size() << " match: identical results\n";
    return kExitOk;
  }
  std::cout << "differ: " << differing << " of " << runs.size() << " do not match " << runs[0] << "\n";
  return kExitConfig;
}

}  // namespace qg::app
