// Writes bars, positions and metrics of a few parameter sets of every strategy to CSV, for
// tests/reference/backtest_reference.py to recompute independently.
// Usage: kernels_reference_dump <out_dir>  -> <out_dir>/bars.csv, <out_dir>/results.csv
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "qg/kernels/backtest.hpp"
#include "qg/kernels/strategy.hpp"
#include "test_util.hpp"

namespace {

using namespace qg::kernels;

// A few sets per strategy: short and long windows, ties-prone values, and the spec's typical use.
const std::map<std::string_view, std::vector<std::vector<double>>> kSets = {
    {"sma_crossover", {{1, 3}, {5, 20}, {10, 50}, {20, 5}}},
    {"ema_crossover", {{1, 3}, {5, 20}, {12, 26}}},
    {"bollinger", {{3, 1.0}, {20, 2.0}, {10, 0.5}}},
    {"rsi", {{2, 30, 70}, {14, 30, 70}, {7, 45, 55}}},
    {"donchian", {{3, 2}, {20, 10}, {5, 5}}},
    {"momentum", {{1}, {10}, {60}}},
};

void write_bars(std::FILE* f, const std::string& name, const PreparedSeries& s) {
  for (std::int64_t t = 0; t < s.size(); ++t)
    std::fprintf(f, "%s,%lld,%.17g,%.17g,%.17g\n", name.c_str(), static_cast<long long>(t), s.high()[t], s.low()[t],
                 s.close()[t]);
}

void write_results(std::FILE* f, const std::string& name, const PreparedSeries& s, double cost) {
  std::vector<std::int8_t> pos(static_cast<std::size_t>(s.size()));
  for (const auto& [kind, sets] : kSets) {
    const Strategy& strategy = *find_strategy(kind);
    for (PositionMode mode : {PositionMode::kLongFlat, PositionMode::kLongShort}) {
      for (const std::vector<double>& set : sets) {
        strategy.positions(s, set.data(), 1, mode, pos.data());
        std::array<double, kNumMetrics> m{};
        backtest_metrics(s, pos.data(), 1, cost, m.data());
        std::string params, path;
        for (double p : set) {
          char buf[32];
          std::snprintf(buf, sizeof buf, "%.17g", p);
          if (!params.empty()) params += ';';
          params += buf;
        }
        for (std::int8_t p : pos) path += p > 0 ? '+' : (p < 0 ? '-' : '0');
        std::fprintf(f, "%s,%s,%s,%.17g,%s,%s", name.c_str(), std::string(kind).c_str(),
                     mode == PositionMode::kLongShort ? "long_short" : "long_flat", cost, params.c_str(), path.c_str());
        for (double v : m) std::fprintf(f, ",%.17g", v);
        std::fprintf(f, "\n");
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <out_dir>\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const std::vector<std::pair<std::string, PreparedSeries>> series = {
      {"synthetic", qg::kernels::testing::synthetic(2024, 3, 400)},
      {"ticks", qg::kernels::testing::tick_walk(17, 300)},
      {"spikes", qg::kernels::testing::spiky_walk(5, 400)},  // ruins some long_short paths
  };
  std::FILE* bars = std::fopen((dir + "/bars.csv").c_str(), "w");
  std::FILE* results = std::fopen((dir + "/results.csv").c_str(), "w");
  if (bars == nullptr || results == nullptr) {
    std::fprintf(stderr, "cannot write into %s\n", dir.c_str());
    return 1;
  }
  std::fprintf(bars, "series,t,high,low,close\n");
  std::fprintf(results, "series,kind,mode,cost,params,positions");
  for (std::string_view name : metric_names()) std::fprintf(results, ",%s", std::string(name).c_str());
  std::fprintf(results, "\n");
  for (const auto& [name, s] : series) {
    write_bars(bars, name, s);
    write_results(results, name, s, 0.0005);
  }
  std::fclose(bars);
  std::fclose(results);
  return 0;
}
