#pragma once
// A small synthetic walk-forward run file, laid out exactly as docs/hdf5-schema.md describes
// (conventions: docs/walkforward.md), for the Python reader's test. Every number is a closed
// form of the constants below, so tests/results/test_python_reader.py recomputes them.
//
// The run: sma_crossover over fast {5, 10, 15, 20} x slow {50, 100, 150, 200, 250} (20 sets,
// grid order: combo = fast_index * 5 + slow_index), rolling windows of 252 in-sample and 50
// out-of-sample return bars from the live start j0 = 249, 6 windows, so n = 801 return bars.
// Bar b (0 .. n) is the b-th business day from 2018-01-02; column j is return bar j + 1.
//   market return of column j:  r_j = 0.0008 + 0.011 * sin(0.618034 * j * j + j)
//   held position in column j of window k:  h_j = 1 if sin(0.05 * j + k) > -0.3, else 0
//   net_j = h_j * r_j - 0.0005 * |h_j - h_{j-1}|  (flat before the first out-of-sample bar)
//   naive_j = net_j, except on a window's first bar, where the winner's own previous
//   position is taken to equal h_j (no boundary cost): naive_j = h_j * r_j.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <numeric>
#include <vector>

#include "qg/results/run_file.hpp"

namespace qg::results::testing {

namespace walkforward_fixture {
inline constexpr int kWindows = 6;
inline constexpr int kInSample = 252;
inline constexpr int kOutOfSample = 50;
inline constexpr int kLiveStart = 249;
inline constexpr int kReturnBars = kLiveStart + kInSample + kWindows * kOutOfSample;
inline constexpr double kCostPerUnit = 0.0005;
inline constexpr double kFast[] = {5, 10, 15, 20};
inline constexpr double kSlow[] = {50, 100, 150, 200, 250};
//! Window k's winner, as indexes into kFast and kSlow.
inline constexpr int kWinnerFast[kWindows] = {1, 1, 3, 3, 2, 3};
inline constexpr int kWinnerSlow[kWindows] = {0, 0, 1, 2, 1, 2};
inline constexpr double kIsSharpe[kWindows] = {1.41, 1.18, 1.57, 1.29, 1.06, 1.36};
inline constexpr double kIsAnnReturn[kWindows] = {0.182, 0.151, 0.204, 0.167, 0.139, 0.176};

//! YYYYMMDD of the `count` business days (Monday to Friday) from 2018-01-02 on.
inline std::vector<std::int64_t> business_dates(int count) {
  using namespace std::chrono;
  std::vector<std::int64_t> dates;
  for (sys_days day = 2018y / January / 2; static_cast<int>(dates.size()) < count; day += days{1}) {
    const weekday wd{day};
    if (wd == Saturday || wd == Sunday) continue;
    const year_month_day ymd{day};
    dates.push_back(static_cast<std::int64_t>(int(ymd.year())) * 10000 + unsigned(ymd.month()) * 100 +
                    unsigned(ymd.day()));
  }
  return dates;
}

inline double market_return(int j) { return 0.0008 + 0.011 * std::sin(0.618034 * j * j + j); }
inline double held_position(int j, int k) { return std::sin(0.05 * j + k) > -0.3 ? 1.0 : 0.0; }
inline int oos_begin(int k) { return kLiveStart + kInSample + k * kOutOfSample; }

inline double mean(const std::vector<double>& x) { return std::accumulate(x.begin(), x.end(), 0.0) / x.size(); }
//! Annualised Sharpe: mean / sd (ddof = 1) * sqrt(252).
inline double annual_sharpe(const std::vector<double>& x) {
  const double m = mean(x);
  double ss = 0;
  for (double v : x) ss += (v - m) * (v - m);
  return m / std::sqrt(ss / (x.size() - 1)) * std::sqrt(252.0);
}

//! The stitched out-of-sample net returns, all windows in order.
inline std::vector<double> stitched_net() {
  std::vector<double> net;
  double previous = 0;
  for (int k = 0; k < kWindows; ++k) {
    for (int j = oos_begin(k); j < oos_begin(k) + kOutOfSample; ++j) {
      const double h = held_position(j, k);
      net.push_back(h * market_return(j) - kCostPerUnit * std::abs(h - previous));
      previous = h;
    }
  }
  return net;
}

inline std::vector<double> naive_net() {
  std::vector<double> naive = stitched_net();
  for (int k = 0; k < kWindows; ++k) {
    const int j = oos_begin(k);
    naive[k * kOutOfSample] = held_position(j, k) * market_return(j);
  }
  return naive;
}

inline std::vector<double> window_slice(const std::vector<double>& x, int k) {
  return {x.begin() + k * kOutOfSample, x.begin() + (k + 1) * kOutOfSample};
}

inline void write_oos_table(RunFile& file, const std::vector<std::int64_t>& dates) {
  TableWriter& table = file.create_table("/walkforward/oos", {{"date", ColumnType::kInt64},
                                                              {"position", ColumnType::kFloat64},
                                                              {"net_return", ColumnType::kFloat64},
                                                              {"equity", ColumnType::kFloat64},
                                                              {"naive_net_return", ColumnType::kFloat64},
                                                              {"window", ColumnType::kInt64}});
  const std::vector<double> net = stitched_net();
  const std::vector<double> naive = naive_net();
  double equity = 1;
  for (int i = 0; i < kWindows * kOutOfSample; ++i) {
    const int k = i / kOutOfSample;
    const int j = kLiveStart + kInSample + i;
    equity *= 1 + net[i];
    const std::vector<double> row{double(dates[j + 1]), held_position(j, k), net[i], equity, naive[i], double(k)};
    table.append(row);
  }
}

inline void write_windows_table(RunFile& file, const std::vector<std::int64_t>& dates) {
  TableWriter& table = file.create_table("/walkforward/windows", {{"k", ColumnType::kInt64},
                                                                  {"is_start", ColumnType::kInt64},
                                                                  {"is_end", ColumnType::kInt64},
                                                                  {"oos_start", ColumnType::kInt64},
                                                                  {"oos_end", ColumnType::kInt64},
                                                                  {"combo", ColumnType::kInt64},
                                                                  {"params/fast", ColumnType::kFloat64},
                                                                  {"params/slow", ColumnType::kFloat64},
                                                                  {"is_sharpe", ColumnType::kFloat64},
                                                                  {"oos_sharpe", ColumnType::kFloat64},
                                                                  {"is_ann_return", ColumnType::kFloat64},
                                                                  {"oos_ann_return", ColumnType::kFloat64},
                                                                  {"wfe", ColumnType::kFloat64}});
  const std::vector<double> net = stitched_net();
  for (int k = 0; k < kWindows; ++k) {
    const int s = kLiveStart + k * kOutOfSample, e = s + kInSample;  // IS = columns [s, e)
    const std::vector<double> segment = window_slice(net, k);
    const double oos_ann = 252 * mean(segment);
    // column j is return bar j + 1, whose date is dates[j + 1]
    const std::vector<double> row{double(k),
                                  double(dates[s + 1]),
                                  double(dates[e]),
                                  double(dates[e + 1]),
                                  double(dates[e + kOutOfSample]),
                                  double(kWinnerFast[k] * 5 + kWinnerSlow[k]),
                                  kFast[kWinnerFast[k]],
                                  kSlow[kWinnerSlow[k]],
                                  kIsSharpe[k],
                                  annual_sharpe(segment),
                                  kIsAnnReturn[k],
                                  oos_ann,
                                  oos_ann / kIsAnnReturn[k]};
    table.append(row);
  }
}

//! Mean over k >= 1 of the distance between consecutive winners, each axis scaled by its range.
inline double param_distance() {
  double total = 0;
  for (int k = 1; k < kWindows; ++k) {
    const double df = (kFast[kWinnerFast[k]] - kFast[kWinnerFast[k - 1]]) / (kFast[3] - kFast[0]);
    const double ds = (kSlow[kWinnerSlow[k]] - kSlow[kWinnerSlow[k - 1]]) / (kSlow[4] - kSlow[0]);
    total += std::sqrt(df * df + ds * ds);
  }
  return total / (kWindows - 1);
}

inline double winner_changes() {
  int changes = 0;
  for (int k = 1; k < kWindows; ++k)
    changes += kWinnerFast[k] != kWinnerFast[k - 1] || kWinnerSlow[k] != kWinnerSlow[k - 1];
  return double(changes) / (kWindows - 1);
}

inline void write_summary(RunFile& file) {
  const std::string g = "/walkforward/summary";
  const std::vector<double> net = stitched_net();
  const double is_mean = std::accumulate(std::begin(kIsAnnReturn), std::end(kIsAnnReturn), 0.0) / kWindows;
  file.set_attribute(g, "oos_sharpe", annual_sharpe(net));
  file.set_attribute(g, "oos_ann_return", 252 * mean(net));
  file.set_attribute(g, "is_ann_return_mean", is_mean);
  file.set_attribute(g, "wfe", 252 * mean(net) / is_mean);
  file.set_attribute(g, "windows", kWindows);
  file.set_attribute(g, "naive_oos_sharpe", annual_sharpe(naive_net()));
  file.set_attribute(g, "winner_changes", winner_changes());
  file.set_attribute(g, "param_distance", param_distance());
  file.set_attribute(g, "live_start", kLiveStart);
  file.set_attribute(g, "live_bars", kReturnBars - kLiveStart);
  file.set_attribute(g, "in_sample", kInSample);
  file.set_attribute(g, "out_of_sample", kOutOfSample);
  file.set_attribute(g, "anchored", 0);
  file.set_attribute(g, "objective", "sharpe");
  file.set_attribute(g, "strategy", "sma_crossover");
  file.set_attribute(g, "mode", "long_flat");
  file.set_attribute(g, "symbol", "SYN000");
  file.set_attribute(g, "cost_per_unit", kCostPerUnit);
}

//! Plausible overfitting statistics: 20 trials, 552 live bars, 16 PBO blocks (C(16, 8) splits);
//! psr, dsr and dsr_n_eff follow (to 3 digits) from best_sharpe, sr0, n_eff, skewness, kurtosis
//! and the live bars by the DSR formula.
inline void write_overfitting(RunFile& file) {
  const std::string g = "/overfitting";
  file.set_attribute(g, "n_trials", 20);
  file.set_attribute(g, "psr", 0.953);
  file.set_attribute(g, "dsr", 0.601);
  file.set_attribute(g, "dsr_n_eff", 0.753);
  file.set_attribute(g, "n_eff", 6.3);
  file.set_attribute(g, "sr0", 0.061);
  file.set_attribute(g, "best_combo", 8);
  file.set_attribute(g, "best_sharpe", 0.072);
  file.set_attribute(g, "skewness", -0.21);
  file.set_attribute(g, "kurtosis", 5.4);
  file.set_attribute(g, "pbo", 0.34);
  file.set_attribute(g, "splits", 12870);
  file.set_attribute(g, "pbo_blocks", 16);
  file.set_attribute(g, "degradation_slope", -0.62);
  file.set_attribute(g, "prob_oos_loss", 0.29);
}

}  // namespace walkforward_fixture

inline void write_walkforward_fixture(const std::filesystem::path& path) {
  namespace wf = walkforward_fixture;
  const std::string spec = "job: walkforward\nname: sma-wf\n";
  auto file = RunFile::create(path);
  file->set_attribute("/", "tool_version", "0.1.0");
  file->set_attribute("/", "git_commit", "abc123def456");
  file->set_attribute("/", "job_kind", "walkforward");
  file->set_attribute("/", "job_name", "sma-wf");
  file->set_attribute("/", "tables", "windows,oos");
  file->set_attribute("/", "table_paths", "/walkforward/windows,/walkforward/oos");
  file->set_attribute("/", "spec_text", spec);
  file->set_attribute("/", "seed", 1);
  const std::vector<std::int64_t> dates = wf::business_dates(wf::kReturnBars + 1);
  wf::write_windows_table(*file, dates);
  wf::write_oos_table(*file, dates);
  wf::write_summary(*file);
  wf::write_overfitting(*file);
  file->commit();
}

}  // namespace qg::results::testing
