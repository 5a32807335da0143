// `quantgrid results top|summary|export|tables` (digest and verify: cmd_results_verify.cpp): each reads the run's job
// kind from the file and follows that kind's tables (jobs/run_reports.hpp).
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

}  // namespace qg::app
