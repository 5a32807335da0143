// `quantgrid results top|summary|export|tables|digest`: each reads the run's job kind from the
// file and follows that kind's tables (jobs/run_reports.hpp).
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "qg/core/error.hpp"
#include "qg/jobs/run_reports.hpp"
#include "qg/results/run_file.hpp"

namespace qg::app {

int cmd_results_top(const TopArgs& args) {
  jobs::print_run_top(args.run, args.by, args.n, args.ascending, std::cout);
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

int cmd_results_digest(const std::string& run) {
  std::cout << results::RunReader::open(run)->datasets_digest() << "  " << run << "\n";
  return kExitOk;
}

}  // namespace qg::app
