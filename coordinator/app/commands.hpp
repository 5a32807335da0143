#pragma once
// The quantgrid subcommands as plain functions over option structs, so that CLI11 stays in
// main.cpp (it is the slowest header to compile).
#include <cstdint>
#include <string>

namespace qg::app {

//! Exit codes shared by every subcommand.
enum ExitCode : int {
  kExitOk = 0,
  kExitConfig = 1,     // bad spec, bad command line
  kExitData = 2,       // bad input data, unreadable or unwritable files
  kExitTasks = 3,      // the run completed but some tasks failed (see /errors)
  kExitInternal = 4,   // cluster failures and bugs
};

struct RunArgs {
  std::string spec;
  std::string output;  // overrides the spec's output
  std::uint64_t chunk = 0;
  int threads = 0;
  bool resume = false;
  bool overwrite = false;
  double worker_timeout = 60.0;
  std::string log_level = "info";
  bool no_progress = false;
};
//! `quantgrid run`: initialises MPI, then coordinates (rank 0) or works (ranks >= 1).
int cmd_run(const RunArgs& args, int& argc, char**& argv);

struct ImportArgs {
  std::string csv;
  std::string out;
  std::string symbol;
};
int cmd_data_import(const ImportArgs& args);

struct GenerateArgs {
  int symbols = 10;
  std::int64_t bars = 2520;
  std::uint64_t seed = 1;
  std::string start = "1990-01-02";
  std::string out;
};
int cmd_data_generate(const GenerateArgs& args);
int cmd_data_info(const std::string& store);

struct TopArgs {
  std::string run;
  std::string by;  // empty: the run's rank_by
  std::size_t n = 10;
  bool ascending = false;
};
int cmd_results_top(const TopArgs& args);
int cmd_results_summary(const std::string& run);
struct ExportArgs {
  std::string run;
  std::string group;
  std::string out;  // empty: stdout
};
int cmd_results_export(const ExportArgs& args);
int cmd_results_digest(const std::string& run);

//! Maps an exception to an exit code after logging it (one clear line).
int report_error(const std::exception& e);

}  // namespace qg::app
