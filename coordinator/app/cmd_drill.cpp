// `quantgrid results equity|trades`: one sweep row replayed bar by bar (jobs/row_replay.hpp),
// written as CSV with numbers at full precision; `--png` draws the equity curve through the
// Python helpers (results/python/quantgrid_results.py plot-equity).
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "checked_output.hpp"
#include "commands.hpp"
#include "python_helper.hpp"
#include "qg/core/error.hpp"
#include "qg/jobs/row_replay.hpp"

namespace qg::app {
namespace {

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

std::string iso_date(std::int32_t yyyymmdd) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", yyyymmdd / 10000, yyyymmdd / 100 % 100, yyyymmdd % 100);
  return text;
}

jobs::RowReplay replay(const DrillArgs& args) {
  if (args.best.empty() == (args.row < 0)) throw ConfigError("results: give exactly one of --row N or --best METRIC");
  return jobs::replay_row(args.run, {args.best, args.ascending, args.row, args.where});
}

void write_equity(const jobs::RowReplay& r, std::ostream& os) {
  os << "date,close,position,net_return,equity,drawdown,buy_hold_equity\n";
  for (std::size_t t = 0; t < r.date.size(); ++t)
    os << iso_date(r.date[t]) << ',' << number(r.close[t]) << ',' << static_cast<int>(r.held[t]) << ','
       << number(r.net_return[t]) << ',' << number(r.equity[t]) << ',' << number(r.drawdown[t]) << ','
       << number(r.buy_hold[t]) << '\n';
}

//! A trip enters at the close before its entry bar (the close its position was decided at) and
//! exits at the close before its exit bar; an open trip has empty exit fields.
void write_trades(const jobs::RowReplay& r, std::ostream& os) {
  os << "entry_date,exit_date,side,entry_price,exit_price,return,cost\n";
  for (const kernels::RoundTrip& trip : r.trips) {
    const auto entry = static_cast<std::size_t>(trip.entry_bar - 1);
    const bool open = trip.exit_bar < 0;
    const auto exit = static_cast<std::size_t>(open ? 0 : trip.exit_bar - 1);
    os << iso_date(r.date[entry]) << ',' << (open ? "" : iso_date(r.date[exit])) << ','
       << (trip.side > 0 ? "long" : "short") << ',' << number(r.close[entry]) << ','
       << (open ? "" : number(r.close[exit])) << ',' << number(trip.growth - 1.0) << ',' << number(trip.cost) << '\n';
  }
}

//! Standard output when `path` is empty; every write checked, a file appears only complete.
template <typename Write>
void write_to(const std::string& path, const jobs::RowReplay& r, Write write) {
  CheckedOutput out(path);
  write(r, out.stream());
  out.commit();
}

void plot_equity(const jobs::RowReplay& r, const std::string& csv, const std::string& png) {
  const std::string table = csv.empty() ? png + ".csv" : csv;
  if (csv.empty()) write_to(table, r, write_equity);
  const std::string title = r.row.strategy + " " + r.row.symbol + " (row " + std::to_string(r.row.row) + ")";
  try {
    run_python_helper({"plot-equity", table, "--title", title, "--out", png}, png + ": the plot", true);
  } catch (...) {
    if (csv.empty()) std::filesystem::remove(table);
    throw;
  }
  if (csv.empty()) std::filesystem::remove(table);
}

}  // namespace

int cmd_results_equity(const DrillArgs& args) {
  const jobs::RowReplay r = replay(args);
  if (!args.csv.empty() || args.png.empty()) write_to(args.csv, r, write_equity);
  if (!args.png.empty()) plot_equity(r, args.csv, args.png);
  if (!args.csv.empty()) std::cout << "wrote " << args.csv << "\n";
  if (!args.png.empty()) std::cout << "wrote " << args.png << "\n";
  return kExitOk;
}

int cmd_results_trades(const DrillArgs& args) {
  const jobs::RowReplay r = replay(args);
  write_to(args.csv, r, write_trades);
  if (!args.csv.empty()) std::cout << "wrote " << args.csv << "\n";
  return kExitOk;
}

}  // namespace qg::app
