// `quantgrid results plot` and `results neighbours`: figures and the neighbourhood view of a
// run, drawn and computed by the Python helpers (results/python/quantgrid_plots.py,
// quantgrid_neighbours.py); the default metric is the job kind's ranking (a sweep's rank_by).
#include <iostream>
#include <string>
#include <utility>

#include "commands.hpp"
#include "python_helper.hpp"
#include "qg/core/error.hpp"
#include "qg/jobs/registry.hpp"
#include "qg/results/run_file.hpp"

namespace qg::app {
namespace {

//! The job kind's name and default ranking of a run file.
struct RunRanking {
  std::string kind, metric;
  bool ascending = false;
};

RunRanking ranking_of(const std::string& run) {
  const auto reader = results::RunReader::open(run);
  const jobs::JobKind& kind = jobs::kind_of_run(*reader, run);
  const auto [metric, larger_is_better] = kind.default_ranking(*reader);
  return {std::string(kind.name()), metric, !larger_is_better};
}

void require_kind(const RunRanking& r, const std::string& wanted, const std::string& what) {
  if (r.kind != wanted) throw ConfigError(what + " needs a " + wanted + " run; this is a " + r.kind + " run");
}

//! The metric and direction to use: `by` (with `ascending`) when given, else the kind's.
std::pair<std::string, bool> metric_of(const RunRanking& r, const std::string& by, bool ascending) {
  return by.empty() ? std::make_pair(r.metric, r.ascending) : std::make_pair(by, ascending);
}

void plot_heatmap(const PlotArgs& a, const RunRanking& r) {
  require_kind(r, "sweep", "results plot --kind heatmap");
  const auto [metric, ascending] = metric_of(r, a.by, a.ascending);
  std::vector<std::string> args = {"heatmap", a.run, "--metric", metric, "--agg", a.agg, "--out", a.out};
  if (ascending) args.emplace_back("--ascending");
  run_python_helper(args, a.out + ": the heatmap", false);
}

}  // namespace

int cmd_results_plot(const PlotArgs& a) {
  const RunRanking r = ranking_of(a.run);
  if (a.kind == "equity") {
    require_kind(r, "sweep", "results plot --kind equity");
    const auto [metric, ascending] = metric_of(r, a.by, a.ascending);
    DrillArgs drill{a.run, a.row, a.row >= 0 ? std::string() : metric, ascending, {}, {}, a.out};
    return cmd_results_equity(drill);
  }
  if (a.kind == "var") {
    require_kind(r, "var", "results plot --kind var");
    run_python_helper({"plot-var", a.run, "--out", a.out}, a.out + ": the VaR plot", false);
  } else {
    plot_heatmap(a, r);
  }
  std::cout << "wrote " << a.out << "\n";
  return kExitOk;
}

int cmd_results_neighbours(const NeighboursArgs& a) {
  const RunRanking r = ranking_of(a.run);
  require_kind(r, "sweep", "results neighbours");
  const auto [metric, ascending] = metric_of(r, a.by, a.ascending);
  std::vector<std::string> args = {
      "neighbours", a.run, "--metric", metric, "--radius", std::to_string(a.radius), "-n", std::to_string(a.n)};
  if (ascending) args.emplace_back("--ascending");
  run_python_helper(args, "results neighbours", true);
  return kExitOk;
}

}  // namespace qg::app
