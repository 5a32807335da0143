#pragma once
// The quantgrid subcommands as plain functions over option structs, so that CLI11 stays in
// main.cpp (it is the slowest header to compile).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "qg/coordinator/launcher.hpp"

#include "qg/core/exit_code.hpp"  // kExitOk ... kExitRejected, returned by every command

namespace qg {
struct MarketData;  // qg/core/market_data.hpp
}  // namespace qg

namespace qg::app {

struct RunArgs {
  std::string spec;
  std::string output;  // overrides the spec's output
  std::uint64_t chunk = 0;
  int threads = 0;
  bool resume = false;
  bool overwrite = false;
  double worker_timeout = 60.0;
  std::uint64_t data_broadcast_mb = 256;
  std::uint64_t data_cache_mb = 1024;
  std::string log_level = "info";
  bool no_progress = false;
};
//! `quantgrid run`: initialises MPI, then coordinates (rank 0) or works (ranks >= 1).
//! Seams for test builds of the executable; the production `main` passes none.
struct CliHooks {
  //! The job the workers run, given the job built from the spec (e.g. one that fails chosen
  //! tasks, to test failure reporting end to end); empty: the job itself.
  coordinator::JobWrapper worker_job;
};

//! The whole command line: parses argv, runs one subcommand, returns the exit code.
int run_cli(int argc, char** argv, const CliHooks& hooks = {});

int cmd_run(const RunArgs& args, const CliHooks& hooks, int& argc, char**& argv);

struct ImportArgs {
  std::string csv;
  std::string out;
  std::string symbol;
  bool append = false;   // a symbol the store has: add new dates only
  bool replace = false;  // a symbol the store has: replace its history
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
int cmd_data_upgrade(const std::string& store);

struct TopArgs {
  std::string run;
  std::string by;  // a column of the main table; empty: the kind's default (a sweep's rank_by)
  std::size_t n = 10;
  bool ascending = false;
  std::string where;     // a filter expression (results/row_filter.hpp); empty: every row
  std::string group_by;  // "params": each parameter set aggregated over the symbols
  std::string agg = "median";
};
int cmd_results_top(const TopArgs& args);
int cmd_results_summary(const std::string& run);
int cmd_results_tables(const std::string& run);
struct ExportArgs {
  std::string run;
  std::string table;  // name or group path; empty: the kind's main table
  std::string out;    // empty: stdout
};
int cmd_results_export(const ExportArgs& args);
//! `quantgrid results digest RUN...`: each file's dataset digest; with several, whether they
//! all match (kExitConfig when they do not, like cmp's 1, or when a dataset's contents do not
//! match its stored digest, which is then named).
int cmd_results_digest(const std::vector<std::string>& runs);
struct VerifyArgs {
  std::vector<std::string> runs;
  bool strict = false;  // a file without stored digests fails
};
//! `quantgrid results verify RUN...`: every dataset against its stored digest; kExitConfig when
//! one differs or lacks a digest (a file with none at all passes unless `strict`).
int cmd_results_verify(const VerifyArgs& args);

//! One sweep row to replay: `row`, or the best row by `best`.
struct DrillArgs {
  std::string run;
  std::int64_t row = -1;
  std::string best;
  bool ascending = false;
  std::string where;  // with best: only rows passing this filter
  std::string csv;    // empty: standard output
  std::string png;    // equity only; empty: no plot
};
//! `quantgrid results equity`: date, close, position, net_return, equity, drawdown, buy_hold_equity.
int cmd_results_equity(const DrillArgs& args);
//! `quantgrid results trades`: the row's round trips, an open one with empty exit fields.
int cmd_results_trades(const DrillArgs& args);

//! `quantgrid results plot`: a figure of a run (results/python/quantgrid_plots.py).
struct PlotArgs {
  std::string run;
  std::string kind = "heatmap";  // heatmap | equity (sweeps) | var (var runs)
  std::string by;                // metric; empty: the job kind's ranking (a sweep's rank_by)
  bool ascending = false;        // with by: smallest is best
  std::string agg = "mean";      // heatmap: how the symbols' values are aggregated
  std::int64_t row = -1;         // equity: this /sweep row instead of the best by the metric
  std::string out;               // PNG
};
int cmd_results_plot(const PlotArgs& args);

//! `quantgrid results neighbours`: sweep rows ranked by their metric smoothed over their grid
//! neighbours (results/python/quantgrid_neighbours.py).
struct NeighboursArgs {
  std::string run;
  std::string by;  // empty: the run's rank_by
  bool ascending = false;
  int radius = 1;  // steps on each parameter's sorted values
  std::size_t n = 10;
};
int cmd_results_neighbours(const NeighboursArgs& args);

// ---- promotion path: keys, approvals, the live node and its feed ----
// `keys generate`, `promote`, `live` and `feed replay`'s sending (cmd_live.cpp) are compiled into
// the live module, quantgrid_live.so, not the binary: the command line calls them through
// live_commands() (live_module.hpp), so that only these commands load ZeroMQ.

struct KeysArgs {
  std::string out;  // key prefix
  bool curve_only = false;
  bool force = false;
};
//! `quantgrid keys generate`: Ed25519 signing pair (unless curve_only) and CURVE pair.
int cmd_keys_generate(const KeysArgs& args);

struct ApproveArgs {
  std::string run;
  std::string best;        // metric to pick the best row by
  bool ascending = false;  // smallest is best (e.g. max_drawdown)
  std::int64_t row = -1;   // or an explicit 0-based /sweep row
  std::string where;       // only rows passing this filter (results/row_filter.hpp)
  std::string key;         // approver key prefix
  std::string approver;    // id in the record (default: the key prefix's file name)
  std::string note;
  double expires_hours = 72.0;
  std::int64_t version = 0;           // 0: Unix time in milliseconds
  double size = 1.0;                  // units per signal
  std::string signal = "long_flat";   // model runs: long_flat | long_short
  std::optional<double> long_above;   // model runs: default 0.5 (logistic) or 0
  std::optional<double> short_below;  // model runs: default long_above
  std::string out;
  bool no_run_record = false;  // do not append to /approvals of the run file
};
//! `quantgrid approve`: writes a signed approval record and appends it to the run file.
int cmd_approve(const ApproveArgs& args);

//! Connection and identity of a live-node control client.
struct LiveClientArgs {
  std::string live = "tcp://127.0.0.1:5555";
  std::string server_key = "keys/live";  // file, key prefix or Z85
  std::string key = "keys/approver";     // this client's key prefix (CURVE pair; Ed25519 to sign)
  std::string approver;                  // id for signed commands (default: key file name)
  double timeout = 5.0;
  std::string reason;  // halt reason
  bool json = false;   // print the raw reply
};
struct PromoteArgs {
  std::string record;
  LiveClientArgs client;
};
//! `quantgrid promote`: sends an approval record to the node and prints its verdict.
int cmd_promote(const PromoteArgs& args);

struct LiveArgs {
  std::string config;
  double run_for = 0.0;  // seconds; 0 = until SIGINT/SIGTERM
  std::string log_level = "info";
};
//! `quantgrid live --config`: runs the node.
int cmd_live_run(const LiveArgs& args);
//! `quantgrid live status|halt|rollback|resume`: one control request each.
int cmd_live_status(const LiveClientArgs& args);
int cmd_live_halt(const LiveClientArgs& args);
int cmd_live_rollback(const LiveClientArgs& args);
int cmd_live_resume(const LiveClientArgs& args);
struct AuditVerifyArgs {
  std::string file;
  std::string head;       // the head the log must reach (hex); empty: the state dir's
  std::string state_dir;  // where state.json is; empty: the log's folder (when it holds one)
};
//! `quantgrid live audit verify FILE [--head HEX | --state-dir DIR]`.
int cmd_live_audit_verify(const AuditVerifyArgs& args);

struct FeedArgs {
  std::string store;
  std::vector<std::string> symbols;  // empty: all
  double speed = 0.0;                // bars per second; 0 = as fast as possible
  std::string to = "tcp://127.0.0.1:5556";
  double wait = 10.0;               // seconds to wait for the node's subscription
  std::int32_t start = 0, end = 0;  // YYYYMMDD, 0 = open
  std::string log_level = "info";
};
//! `quantgrid feed replay`: reads the store's bars and has the live module publish them.
int cmd_feed_replay(const FeedArgs& args);
//! The live module's half of it: publishes `data`'s bars, merged by date, to a live node.
int cmd_feed_send(const FeedArgs& args, const MarketData& data);

//! Prints `quantgrid: error: WHAT` and returns the exception's exit code (qg::exit_code).
int report_error(const std::exception& e);

}  // namespace qg::app
