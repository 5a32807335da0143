// quantgrid: one executable, with subcommands for running jobs, managing market data and
// reading results.
#include <CLI/CLI.hpp>

#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "did_you_mean.hpp"
#include "live_module.hpp"
#include "qg/coordinator/build_info.hpp"

namespace {

using namespace qg::app;
using qg::kExitConfig;

//! A number above (or, with `or_zero`, equal to) zero. CLI11's NonNegativeNumber and
//! PositiveNumber name the largest double in their message; this names the rule.
CLI::Validator sign_check(bool or_zero) {
  return CLI::Validator(
      [or_zero](std::string& text) -> std::string {
        double v = 0;
        if (!CLI::detail::lexical_cast(text, v)) return "'" + text + "' is not a number";
        if (or_zero ? v >= 0 : v > 0) return {};
        return "must be " + std::string(or_zero ? ">= 0" : "> 0") + " (got " + text + ")";
      },
      or_zero ? "NONNEGATIVE" : "POSITIVE");
}
const CLI::Validator kNonNegative = sign_check(true);
const CLI::Validator kPositive = sign_check(false);

void add_run(CLI::App& app, RunArgs& a) {
  auto* run = app.add_subcommand("run", "Run a job spec (under mpirun: rank 0 coordinates, the other ranks work)");
  run->add_option("spec", a.spec, "Job spec (YAML)")->required()->check(CLI::ExistingFile);
  run->add_option("--output,-o", a.output, "Run file to write (default: the spec's output)");
  run->add_option("--chunk", a.chunk, "Fixed chunk size in tasks (0: guided)")->check(kNonNegative);
  run->add_option("--threads", a.threads, "Threads per rank (0: all cores)")->check(kNonNegative);
  run->add_flag("--resume", a.resume, "Continue an interrupted run from its journal");
  run->add_flag("--overwrite", a.overwrite, "Replace an existing run file");
  run->add_option("--worker-timeout", a.worker_timeout,
                  "Seconds before a chunk that has not come back is handed to another worker (0: never)")
      ->check(kNonNegative);
  run->add_option("--data-broadcast-mb", a.data_broadcast_mb,
                  "Selected bars above this many MiB are read by each worker from the store, not sent (0: always)")
      ->check(kNonNegative);
  run->add_option("--data-cache-mb", a.data_cache_mb,
                  "MiB of prepared symbols a rank keeps when it reads them from the store")
      ->check(kPositive);
  run->add_option("--log-level", a.log_level, "trace|debug|info|warn|error|off");
  run->add_flag("--no-progress", a.no_progress, "Periodic log lines instead of a progress bar");
}

void add_data(CLI::App& app, ImportArgs& imp, GenerateArgs& gen, std::string& info_store) {
  auto* data = app.add_subcommand("data", "Market-data store: import, generate, info, upgrade");
  data->require_subcommand(1);
  auto* import = data->add_subcommand("import", "Import a CSV file (OHLCV, wide closes or long layout)");
  import->add_option("csv", imp.csv, "CSV file")->required()->check(CLI::ExistingFile);
  import->add_option("--out", imp.out, "Store (HDF5), created or extended")->required();
  import->add_option("--symbol", imp.symbol, "Symbol of a single-symbol file (default: the file name)");
  auto* append = import->add_flag("--append", imp.append, "For a symbol the store has: add only dates after its last");
  import->add_flag("--replace", imp.replace, "For a symbol the store has: replace its history")->excludes(append);
  auto* generate = data->add_subcommand("generate", "Write deterministic synthetic prices");
  generate->add_option("--symbols", gen.symbols, "Number of symbols")->check(CLI::Range(1, 100000));
  generate->add_option("--bars", gen.bars, "Daily bars per symbol")->check(CLI::Range(2, 10000000));
  generate->add_option("--seed", gen.seed, "Seed (0 to 2^64-1)")->check(kNonNegative);
  generate->add_option("--start", gen.start, "First date (YYYY-MM-DD; business days follow)");
  generate->add_option("--out", gen.out, "Store (HDF5)")->required();
  auto* info = data->add_subcommand("info", "Symbols, date ranges and bar counts of a store");
  info->add_option("store", info_store, "Store (HDF5)")->required()->check(CLI::ExistingFile);
  auto* upgrade = data->add_subcommand("upgrade", "Rewrite a store of an older layout in the current one");
  upgrade->add_option("store", info_store, "Store (HDF5)")->required()->check(CLI::ExistingFile);
}

//! `results equity` and `results trades`: one sweep row replayed; both share `a` (one runs).
void add_drill(CLI::App& results, DrillArgs& a) {
  auto* eq = results.add_subcommand("equity", "Replay one sweep row: position, net return, equity, drawdown per bar");
  auto* tr = results.add_subcommand("trades", "Replay one sweep row: its round trips (an open one has no exit)");
  for (CLI::App* cmd : {eq, tr}) {
    cmd->add_option("run", a.run, "Run file (a sweep)")->required()->check(CLI::ExistingFile);
    auto* row = cmd->add_option("--row", a.row, "0-based /sweep row (as for approve --row)")->check(kNonNegative);
    auto* best = cmd->add_option("--best", a.best, "Or the row with the best value of this metric");
    best->excludes(row);
    cmd->add_flag("--ascending", a.ascending, "With --best: smallest is best (e.g. max_drawdown)");
    cmd->add_option("--where", a.where, "Only rows passing this filter (as for results top)");
    cmd->add_option("--csv", a.csv, "Write CSV here (default: standard output)");
  }
  eq->add_option("--png", a.png, "Also draw the equity curve with its drawdown underneath (PNG)");
}

void add_results(CLI::App& app, TopArgs& top, std::string& run_file, ExportArgs& exp, DrillArgs& drill,
                 std::vector<std::string>& runs) {
  auto* results = app.add_subcommand(
      "results", "Read a run file: top, summary, export, tables, digest, verify, equity, trades, plot, neighbours");
  results->require_subcommand(1);
  auto* t = results->add_subcommand("top", "Best rows of the run's main table by a column");
  t->add_option("run", top.run, "Run file")->required()->check(CLI::ExistingFile);
  t->add_option("--by", top.by, "Column or metric (default: the job kind's, e.g. a sweep's rank_by)");
  t->add_option("-n", top.n, "Rows to show (0: every row)")->check(kNonNegative);
  t->add_flag("--ascending", top.ascending, "Smallest first (e.g. for max_drawdown)");
  t->add_option("--where", top.where, "Only rows passing this filter, e.g. \"trades >= 20 and max_drawdown < 0.3\"");
  t->add_option("--group-by", top.group_by, "params: one row per parameter set, its metrics aggregated over symbols")
      ->check(CLI::IsMember({"params"}));
  t->add_option("--agg", top.agg, "With --group-by: how the symbols' values are aggregated")
      ->check(CLI::IsMember({"median", "min", "mean"}));
  auto* s = results->add_subcommand("summary", "Provenance, metric ranges and failed tasks");
  s->add_option("run", run_file, "Run file")->required()->check(CLI::ExistingFile);
  auto* e = results->add_subcommand("export", "Write a table as CSV");
  e->add_option("run", exp.run, "Run file")->required()->check(CLI::ExistingFile);
  static bool csv = true;  // CSV is the only export format; the flag is accepted for clarity
  e->add_flag("--csv", csv, "CSV output (the only format)");
  e->add_option("--table,--group", exp.table, "Table name or group (default: the main table; see results tables)");
  e->add_option("--out", exp.out, "Output file (default: standard output)");
  auto* tb = results->add_subcommand("tables", "The run's tables, main table first");
  tb->add_option("run", run_file, "Run file")->required()->check(CLI::ExistingFile);
  auto* d = results->add_subcommand("digest", "SHA-256 over every dataset: equal digests, identical results");
  d->add_option("runs", runs, "Run files (several: say whether they all match; exit 1 when not)")
      ->required()
      ->check(CLI::ExistingFile);
  add_drill(*results, drill);
}

//! `results plot` and `results neighbours` (both drawn or computed by the Python helpers).
void add_plot(CLI::App& results, PlotArgs& p, NeighboursArgs& nb) {
  auto* plot = results.add_subcommand("plot", "Draw a run as a PNG: heatmap, equity (sweeps) or var (VaR runs)");
  plot->add_option("run", p.run, "Run file")->required()->check(CLI::ExistingFile);
  plot->add_option("--kind", p.kind, "heatmap | equity | var")->check(CLI::IsMember({"heatmap", "equity", "var"}));
  plot->add_option("--by", p.by, "Metric (default: the run's rank_by)");
  plot->add_flag("--ascending", p.ascending, "With --by: smallest is best (e.g. max_drawdown)");
  plot->add_option("--agg", p.agg, "heatmap: how the symbols' values are aggregated")
      ->check(CLI::IsMember({"mean", "median", "min", "max"}));
  plot->add_option("--row", p.row, "equity: this 0-based /sweep row (default: the best by the metric)")
      ->check(kNonNegative);
  plot->add_option("--out", p.out, "PNG to write")->required();
  auto* near = results.add_subcommand("neighbours", "Sweep rows ranked by their metric smoothed over grid neighbours");
  near->add_option("run", nb.run, "Run file (a sweep)")->required()->check(CLI::ExistingFile);
  near->add_option("--by", nb.by, "Metric (default: the run's rank_by)");
  near->add_flag("--ascending", nb.ascending, "With --by: smallest is best");
  near->add_option("--radius", nb.radius, "Steps on each parameter's values that count as neighbours")
      ->check(CLI::Range(1, 1000));
  near->add_option("-n", nb.n, "Rows to show (0: every row)")->check(CLI::NonNegativeNumber);
}

void add_verify(CLI::App& results, VerifyArgs& args) {
  auto* v = results.add_subcommand("verify", "Check every dataset against the digest stored when it was written");
  v->add_option("runs", args.runs, "Run files (exit 1 when a dataset differs or lacks a digest)")
      ->required()
      ->check(CLI::ExistingFile);
  v->add_flag("--strict", args.strict, "Fail a file written without digests (by an older quantgrid)");
}

void add_keys(CLI::App& app, KeysArgs& a) {
  auto* keys = app.add_subcommand("keys", "Key files for approvals and the live node's CURVE link");
  keys->require_subcommand(1);
  auto* gen = keys->add_subcommand("generate", "Write PREFIX.sign.{sec,pub} (Ed25519) and PREFIX.curve.{sec,pub}");
  gen->add_option("--out", a.out, "Key prefix, e.g. keys/approver")->required();
  gen->add_flag("--curve-only", a.curve_only, "Only the CURVE pair (live node, plain control clients)");
  gen->add_flag("--force", a.force, "Replace existing key files");
}

void add_approve(CLI::App& app, ApproveArgs& a) {
  auto* ap = app.add_subcommand("approve", "Sign an approval record for one sweep row of a run file");
  ap->add_option("run", a.run, "Run file")->required()->check(CLI::ExistingFile);
  auto* best = ap->add_option("--best", a.best,
                              "Pick the row with the best value of this metric (a train run: its chosen set; "
                              "the metric may be left out)")
                   ->expected(0, 1);
  auto* row = ap->add_option("--row", a.row, "Or pick this 0-based /sweep row")->check(kNonNegative);
  best->excludes(row);
  ap->add_flag("--ascending", a.ascending, "With --best: smallest is best (e.g. max_drawdown)");
  ap->add_option("--where", a.where, "Only rows passing this filter, e.g. \"trades >= 20\" (as for results top)");
  ap->add_option("--key", a.key, "Approver key prefix (PREFIX.sign.sec)")->required();
  ap->add_option("--approver", a.approver, "Approver id in the record (default: the key prefix's file name)");
  ap->add_option("--note", a.note, "Why this is approved");
  ap->add_option("--expires-in", a.expires_hours, "Hours until the approval expires");
  ap->add_option("--version", a.version, "Version (must increase per node; default: Unix time in ms)")
      ->check(kPositive);
  ap->add_option("--size", a.size, "Position units per signal")->check(kPositive);
  ap->add_option("--signal", a.signal, "A train run's signal rule: long_flat or long_short")
      ->check(CLI::IsMember({"long_flat", "long_short"}));
  ap->add_option("--long-above", a.long_above,
                 "A train run: long when the prediction (logistic: probability) is above this");
  ap->add_option("--short-below", a.short_below, "A train run with long_short: short when below this");
  ap->add_option("--out", a.out, "Approval record to write (JSON)")->required();
  ap->add_flag("--no-run-record", a.no_run_record, "Do not append the record to /approvals of the run file");
}

void add_client_options(CLI::App* cmd, LiveClientArgs& a) {
  cmd->add_option("--live", a.live, "The node's control endpoint");
  cmd->add_option("--server-key", a.server_key, "The node's CURVE public key: file, key prefix or Z85");
  cmd->add_option("--key", a.key, "This client's key prefix (CURVE pair; Ed25519 for signed commands)");
  cmd->add_option("--approver", a.approver, "Approver id for signed commands (default: the key's file name)");
  cmd->add_option("--timeout", a.timeout, "Seconds to wait for the reply")->check(kPositive);
  cmd->add_flag("--json", a.json, "Print the node's reply as JSON");
}

void add_promote(CLI::App& app, PromoteArgs& a) {
  auto* p = app.add_subcommand("promote", "Send an approval record to a live node and wait for its verdict");
  p->add_option("record", a.record, "Approval record (JSON)")->required()->check(CLI::ExistingFile);
  add_client_options(p, a.client);
}

void add_live(CLI::App& app, LiveArgs& a, LiveClientArgs& c, AuditVerifyArgs& audit_args) {
  auto* live = app.add_subcommand("live", "Run the live node (--config), or talk to one");
  live->require_subcommand(0, 1);
  live->add_option("--config", a.config, "Node config (YAML): runs the node")->check(CLI::ExistingFile);
  live->add_option("--run-for", a.run_for, "Stop after this many seconds (0: until SIGINT/SIGTERM)")
      ->check(kNonNegative);
  live->add_option("--log-level", a.log_level, "trace|debug|info|warn|error|off");
  add_client_options(live->add_subcommand("status", "Active deployment, positions, P&L, halted or not"), c);
  auto* halt = live->add_subcommand("halt", "Kill switch: flatten the paper position and stop trading");
  add_client_options(halt, c);
  halt->add_option("--reason", c.reason, "Why (goes into the audit log)");
  add_client_options(live->add_subcommand("rollback", "Go back to the previous deployment (signed)"), c);
  add_client_options(live->add_subcommand("resume", "Trade again after a halt (signed)"), c);
  auto* audit = live->add_subcommand("audit", "The node's audit log");
  audit->require_subcommand(1);
  auto* verify = audit->add_subcommand("verify", "Check the hash chain (names the first edited record) and its head");
  verify->add_option("file", audit_args.file, "Audit log (STATE_DIR/audit.jsonl)")
      ->required()
      ->check(CLI::ExistingFile);
  auto* head = verify->add_option("--head", audit_args.head, "Head the log must reach (64 hex digits)");
  verify
      ->add_option("--state-dir", audit_args.state_dir,
                   "Node state dir whose state.json names the head (default: the log's folder)")
      ->check(CLI::ExistingDirectory)
      ->excludes(head);
}

void add_feed(CLI::App& app, FeedArgs& a) {
  auto* feed = app.add_subcommand("feed", "Market-data feed for a live node");
  feed->require_subcommand(1);
  auto* r = feed->add_subcommand("replay", "Publish a store's bars, merged by date, to a live node's feed");
  r->add_option("store", a.store, "Store (HDF5)")->required()->check(CLI::ExistingFile);
  r->add_option("--symbols", a.symbols, "Symbols (default: all)")->delimiter(',');
  r->add_option("--speed", a.speed, "Bars per second (0: as fast as possible)")->check(kNonNegative);
  r->add_option("--to", a.to, "The node's feed endpoint");
  r->add_option("--wait", a.wait, "Seconds to wait for the node's subscription")->check(kPositive);
  r->add_option("--start", a.start, "First date (YYYYMMDD)");
  r->add_option("--end", a.end, "Last date (YYYYMMDD)");
  r->add_option("--log-level", a.log_level, "trace|debug|info|warn|error|off");
}

// ---- command-line errors: one line, exit code 1, a suggestion for a typo ----

std::vector<std::string> subcommand_names(CLI::App& level) {
  std::vector<std::string> names;
  for (const CLI::App* sub : level.get_subcommands([](CLI::App*) { return true; })) names.push_back(sub->get_name());
  return names;
}

std::vector<std::string> option_names(const CLI::App& level) {
  std::vector<std::string> names;
  for (const CLI::Option* opt : level.get_options()) {
    for (const auto& n : opt->get_lnames()) names.push_back("--" + n);
    for (const auto& n : opt->get_snames()) names.push_back("-" + n);
  }
  return names;
}

//! "quantgrid data import": the words that select `level`.
std::string command_path(const CLI::App& level) {
  if (level.get_parent() == nullptr) return "quantgrid";
  return command_path(*level.get_parent()) + " " + level.get_name();
}

//! Why `arg` does not fit `level`, and the nearest valid subcommand or option if it is a typo.
std::string unknown_argument(CLI::App& level, const std::string& arg) {
  const bool is_option = !arg.empty() && arg.front() == '-';
  const std::string word = is_option ? arg.substr(0, arg.find('=')) : arg;
  const auto names = is_option ? option_names(level) : subcommand_names(level);
  std::string message = is_option       ? "unknown option '" + word + "' for " + command_path(level)
                        : names.empty() ? "unexpected argument '" + word + "' for " + command_path(level)
                                        : "'" + word + "' is not a command of " + command_path(level);
  if (const auto nearest = closest_match(word, names)) return message + "; did you mean " + *nearest + "?";
  return message + " (see " + command_path(level) + " --help)";
}

//! The first argument the parser could not place, at the outermost command that has one.
std::optional<std::string> unplaced_argument(CLI::App& app) {
  for (CLI::App* level = &app; level != nullptr;) {
    if (const auto extras = level->remaining(false); !extras.empty()) return unknown_argument(*level, extras.front());
    const auto& given = level->get_subcommands();
    level = given.empty() ? nullptr : given.front();
  }
  return std::nullopt;
}

//! --help and --version exit 0 through CLI11; every other parse error is a bad command line.
int parse_error(CLI::App& app, const CLI::ParseError& e) {
  if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);
  std::optional<std::string> message;
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr || dynamic_cast<const CLI::RequiredError*>(&e) != nullptr)
    message = unplaced_argument(app);  // "a subcommand is required" after a typo: name the typo
  std::cerr << "quantgrid: error: " << message.value_or(e.what()) << "\n";
  return kExitConfig;
}

constexpr const char* kAbout = "quantgrid: distributed parameter sweeps, walk-forward optimization and Monte Carlo VaR";

//! `quantgrid run ...` asking for no help: the command line every job pays for. Setting up
//! CLI11 for every subcommand costs about a millisecond of a short run's start-up, so only
//! `run` is set up; a line it does not parse takes the full path (the same help and errors).
bool plain_run(int argc, char** argv) {
  if (argc < 2 || std::string_view(argv[1]) != "run") return false;
  for (int i = 2; i < argc; ++i) {
    const std::string_view arg(argv[i]);
    if (arg == "-h" || arg == "--help" || arg == "--version") return false;
  }
  return true;
}

//! Parses a plain_run() command line with the `run` subcommand alone; nullopt when it does
//! not parse (the caller parses it again with every subcommand, for the same message).
std::optional<RunArgs> parse_run_alone(int argc, char** argv) {
  CLI::App app{kAbout};
  app.require_subcommand(1);
  RunArgs args;
  add_run(app, args);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError&) {
    return std::nullopt;
  }
  return args;
}

}  // namespace

namespace qg::app {

int run_cli(int argc, char** argv, const CliHooks& hooks) {
  if (plain_run(argc, argv)) {
    if (const auto args = parse_run_alone(argc, argv)) {
      try {
        return cmd_run(*args, hooks, argc, argv);
      } catch (const std::exception& e) {
        return report_error(e);
      }
    }
  }
  CLI::App app{kAbout};
  app.require_subcommand(1);
  app.option_defaults()->always_capture_default();  // --help shows each option's default
  app.set_version_flag("--version", coordinator::version_line());
  RunArgs run_args;
  ImportArgs import_args;
  GenerateArgs generate_args;
  TopArgs top_args;
  ExportArgs export_args;
  DrillArgs drill_args;
  std::vector<std::string> digest_runs;
  std::string path_arg;
  add_run(app, run_args);
  add_data(app, import_args, generate_args, path_arg);
  add_results(app, top_args, path_arg, export_args, drill_args, digest_runs);
  VerifyArgs verify_args;
  add_verify(*app.get_subcommand("results"), verify_args);
  PlotArgs plot_args;
  NeighboursArgs neighbours_args;
  add_plot(*app.get_subcommand("results"), plot_args, neighbours_args);
  KeysArgs keys_args;
  ApproveArgs approve_args;
  PromoteArgs promote_args;
  LiveArgs live_args;
  LiveClientArgs live_client_args;
  FeedArgs feed_args;
  add_keys(app, keys_args);
  add_approve(app, approve_args);
  add_promote(app, promote_args);
  AuditVerifyArgs audit_args;
  add_live(app, live_args, live_client_args, audit_args);
  add_feed(app, feed_args);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return parse_error(app, e);
  }

  try {
    if (app.got_subcommand("run")) return cmd_run(run_args, hooks, argc, argv);
    if (auto* data = app.get_subcommand("data"); data->parsed()) {
      if (data->got_subcommand("import")) return cmd_data_import(import_args);
      if (data->got_subcommand("generate")) return cmd_data_generate(generate_args);
      if (data->got_subcommand("upgrade")) return cmd_data_upgrade(path_arg);
      return cmd_data_info(path_arg);
    }
    if (app.got_subcommand("keys")) return live_commands().keys_generate(keys_args);
    if (app.got_subcommand("approve")) return cmd_approve(approve_args);
    if (app.got_subcommand("promote")) return live_commands().promote(promote_args);
    if (app.got_subcommand("feed")) return cmd_feed_replay(feed_args);
    if (auto* live = app.get_subcommand("live"); live->parsed()) {
      if (live->got_subcommand("status")) return live_commands().live_status(live_client_args);
      if (live->got_subcommand("halt")) return live_commands().live_halt(live_client_args);
      if (live->got_subcommand("rollback")) return live_commands().live_rollback(live_client_args);
      if (live->got_subcommand("resume")) return live_commands().live_resume(live_client_args);
      if (live->got_subcommand("audit")) return live_commands().live_audit_verify(audit_args);
      if (live_args.config.empty()) {
        std::cerr << "live: give --config to run the node, or one of status, halt, rollback, resume, audit verify\n";
        return kExitConfig;
      }
      return live_commands().live_run(live_args);
    }
    auto* results = app.get_subcommand("results");
    if (results->got_subcommand("top")) return cmd_results_top(top_args);
    if (results->got_subcommand("summary")) return cmd_results_summary(path_arg);
    if (results->got_subcommand("export")) return cmd_results_export(export_args);
    if (results->got_subcommand("tables")) return cmd_results_tables(path_arg);
    if (results->got_subcommand("equity")) return cmd_results_equity(drill_args);
    if (results->got_subcommand("trades")) return cmd_results_trades(drill_args);
    if (results->got_subcommand("verify")) return cmd_results_verify(verify_args);
    if (results->got_subcommand("plot")) return cmd_results_plot(plot_args);
    if (results->got_subcommand("neighbours")) return cmd_results_neighbours(neighbours_args);
    return cmd_results_digest(digest_runs);
  } catch (const std::exception& e) {
    return report_error(e);
  }
}

}  // namespace qg::app
