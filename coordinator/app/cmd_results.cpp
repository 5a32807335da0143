// `quantgrid results top|summary|export|digest`.
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "qg/core/error.hpp"
#include "qg/results/analysis.hpp"
#include "qg/results/run_file.hpp"

namespace qg::app {
namespace {

//! The job group of a run file: /sweep, /walkforward, /var or /model.
std::string job_group(const results::RunReader& reader) {
  for (const char* g : {"/sweep", "/walkforward", "/var", "/model"})
    if (reader.has(g)) return g;
  throw DataError("no job results in this file (none of /sweep, /walkforward, /var, /model)");
}

}  // namespace

int cmd_results_top(const TopArgs& args) {
  std::string metric = args.by;
  if (metric.empty()) {
    const auto reader = results::RunReader::open(args.run);
    const auto group = job_group(*reader);
    metric = reader->string_attribute(group, "rank_by");
  }
  results::print_top(args.run, metric, args.n, args.ascending, std::cout);
  return kExitOk;
}

int cmd_results_summary(const std::string& run) {
  results::print_summary(run, std::cout);
  return kExitOk;
}

int cmd_results_export(const ExportArgs& args) {
  std::string group = args.group;
  if (group.empty()) group = job_group(*results::RunReader::open(args.run));
  if (args.out.empty()) {
    results::export_csv(args.run, group, std::cout);
    return kExitOk;
  }
  std::ofstream out(args.out);
  if (!out) throw IoError(args.out + ": cannot write");
  results::export_csv(args.run, group, out);
  out.close();
  if (!out) throw IoError(args.out + ": write failed");
  return kExitOk;
}

int cmd_results_digest(const std::string& run) {
  std::cout << results::RunReader::open(run)->datasets_digest() << "  " << run << "\n";
  return kExitOk;
}

}  // namespace qg::app
