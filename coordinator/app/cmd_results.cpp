// `quantgrid results top|summary|export|tables|digest`: each reads the run's job kind from the
// file and follows that kind's tables (jobs/run_reports.hpp).
#include <algorithm>
#include <fstream>
#include <iostream>

#include "checked_output.hpp"
#include "commands.hpp"
#include "qg/core/error.hpp"
#include "qg/jobs/run_reports.hpp"
#include "qg/results/run_file.hpp"

namespace qg::app {

int cmd_results_top(const TopArgs& args) {
  CheckedOutput out;
  jobs::print_run_top(args.run, {args.by, args.n, args.ascending, args.where, args.group_by, args.agg}, out.stream());
  out.commit();
  return kExitOk;
}

int cmd_results_summary(const std::string& run) {
  CheckedOutput out;
  jobs::print_run_summary(run, out.stream());
  out.commit();
  return kExitOk;
}

int cmd_results_tables(const std::string& run) {
  CheckedOutput out;
  jobs::print_run_tables(run, out.stream());
  out.commit();
  return kExitOk;
}

int cmd_results_export(const ExportArgs& args) {
  CheckedOutput out(args.out);
  jobs::export_run_table(args.run, args.table, out.stream());
  out.commit();
  return kExitOk;
}

int cmd_results_digest(const std::vector<std::string>& runs) {
  CheckedOutput out;
  std::vector<std::string> digests;
  for (const auto& run : runs) {
    digests.push_back(results::RunReader::open(run)->datasets_digest());
    out.stream() << digests.back() << "  " << run << "\n";
  }
  if (runs.size() < 2) {
    out.commit();
    return kExitOk;
  }
  const auto differing = std::count_if(digests.begin(), digests.end(), [&](const auto& d) { return d != digests[0]; });
  if (differing == 0) {
    out.stream() << "all " << runs.size() << " match: identical results\n";
    out.commit();
    return kExitOk;
  }
  out.stream() << "differ: " << differing << " of " << runs.size() << " do not match " << runs[0] << "\n";
  out.commit();
  return kExitConfig;
}

}  // namespace qg::app
