// quantgrid: one executable, with subcommands for running jobs, managing market data and
// reading results.
#include <CLI/CLI.hpp>

#include <iostream>

#include "commands.hpp"

namespace {

using namespace qg::app;

void add_run(CLI::App& app, RunArgs& a) {
  auto* run = app.add_subcommand("run", "Run a job spec (under mpirun: rank 0 coordinates, the other ranks work)");
  run->add_option("spec", a.spec, "Job spec (YAML)")->required()->check(CLI::ExistingFile);
  run->add_option("--output,-o", a.output, "Run file to write (default: the spec's output)");
  run->add_option("--chunk", a.chunk, "Fixed chunk size in tasks (default: guided)")->check(CLI::NonNegativeNumber);
  run->add_option("--threads", a.threads, "Threads per rank (default: all cores)")->check(CLI::NonNegativeNumber);
  run->add_flag("--resume", a.resume, "Continue an interrupted run from its journal");
  run->add_flag("--overwrite", a.overwrite, "Replace an existing run file");
  run->add_option("--worker-timeout", a.worker_timeout,
                  "Seconds before a chunk that has not come back is handed to another worker (0: never)")
      ->check(CLI::NonNegativeNumber);
  run->add_option("--log-level", a.log_level, "trace|debug|info|warn|error|off");
  run->add_flag("--no-progress", a.no_progress, "Periodic log lines instead of a progress bar");
}

void add_data(CLI::App& app, ImportArgs& imp, GenerateArgs& gen, std::string& info_store) {
  auto* data = app.add_subcommand("data", "Market-data store: import, generate, info");
  data->require_subcommand(1);
  auto* import = data->add_subcommand("import", "Import a CSV file (OHLCV, wide closes or long layout)");
  import->add_option("csv", imp.csv, "CSV file")->required()->check(CLI::ExistingFile);
  import->add_option("--out", imp.out, "Store (HDF5), created or extended")->required();
  import->add_option("--symbol", imp.symbol, "Symbol of a single-symbol file (default: the file name)");
  auto* generate = data->add_subcommand("generate", "Write deterministic synthetic prices");
  generate->add_option("--symbols", gen.symbols, "Number of symbols")->check(CLI::Range(1, 100000));
  generate->add_option("--bars", gen.bars, "Daily bars per symbol")->check(CLI::Range(2, 10000000));
  generate->add_option("--seed", gen.seed, "Seed");
  generate->add_option("--start", gen.start, "First date (YYYY-MM-DD; business days follow)");
  generate->add_option("--out", gen.out, "Store (HDF5)")->required();
  auto* info = data->add_subcommand("info", "Symbols, date ranges and bar counts of a store");
  info->add_option("store", info_store, "Store (HDF5)")->required()->check(CLI::ExistingFile);
}

void add_results(CLI::App& app, TopArgs& top, std::string& run_file, ExportArgs& exp) {
  auto* results = app.add_subcommand("results", "Read a run file: top, summary, export, digest");
  results->require_subcommand(1);
  auto* t = results->add_subcommand("top", "Best rows by a metric");
  t->add_option("run", top.run, "Run file")->required()->check(CLI::ExistingFile);
  t->add_option("--by", top.by, "Metric (default: the spec's rank_by)");
  t->add_option("-n", top.n, "Rows to show");
  t->add_flag("--ascending", top.ascending, "Smallest first (e.g. for max_drawdown)");
  auto* s = results->add_subcommand("summary", "Provenance, metric ranges and failed tasks");
  s->add_option("run", run_file, "Run file")->required()->check(CLI::ExistingFile);
  auto* e = results->add_subcommand("export", "Write a table as CSV");
  e->add_option("run", exp.run, "Run file")->required()->check(CLI::ExistingFile);
  static bool csv = true;  // CSV is the only export format; the flag is accepted for clarity
  e->add_flag("--csv", csv, "CSV output (the only format)");
  e->add_option("--group", exp.group, "Table group (default: the job's, e.g. /sweep)");
  e->add_option("--out", exp.out, "Output file (default: standard output)");
  auto* d = results->add_subcommand("digest", "SHA-256 over every dataset: equal digests, identical results");
  d->add_option("run", run_file, "Run file")->required()->check(CLI::ExistingFile);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"quantgrid: distributed parameter sweeps, walk-forward, Monte Carlo VaR and model training"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("quantgrid ") + QG_VERSION + " (" + QG_GIT_COMMIT + ")");
  RunArgs run_args;
  ImportArgs import_args;
  GenerateArgs generate_args;
  TopArgs top_args;
  ExportArgs export_args;
  std::string path_arg;
  add_run(app, run_args);
  add_data(app, import_args, generate_args, path_arg);
  add_results(app, top_args, path_arg, export_args);
  CLI11_PARSE(app, argc, argv);

  try {
    if (app.got_subcommand("run")) return cmd_run(run_args, argc, argv);
    if (auto* data = app.get_subcommand("data"); data->parsed()) {
      if (data->got_subcommand("import")) return cmd_data_import(import_args);
      if (data->got_subcommand("generate")) return cmd_data_generate(generate_args);
      return cmd_data_info(path_arg);
    }
    auto* results = app.get_subcommand("results");
    if (results->got_subcommand("top")) return cmd_results_top(top_args);
    if (results->got_subcommand("summary")) return cmd_results_summary(path_arg);
    if (results->got_subcommand("export")) return cmd_results_export(export_args);
    return cmd_results_digest(path_arg);
  } catch (const std::exception& e) {
    return report_error(e);
  }
}
