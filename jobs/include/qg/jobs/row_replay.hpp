#pragma once
// Drill-down into one row of a sweep run: the row's parameter set re-evaluated on its symbol
// with the kernels the sweep used (positions_range, net_returns), bar by bar, and its round
// trips. `quantgrid results equity|trades` print it.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "qg/jobs/job_kind.hpp"
#include "qg/kernels/round_trips.hpp"

namespace qg::jobs {

//! One sweep row replayed over every bar t = 0..T-1 of its symbol (bar 0 has no return: its
//! net return is 0, its equity 1). Ruin (docs/strategies.md) applies: after the first bar with
//! a net return of -1 or below the book is flat, and the trip held over that bar returns -1.
struct RowReplay {
  Candidate row;                          // the row: strategy, parameters, symbol, stored metrics
  std::vector<std::int32_t> date;         // YYYYMMDD
  std::vector<double> close;              //
  std::vector<std::int8_t> held;          // position held over bar t: the one decided at close t-1; 0 after ruin
  std::vector<double> net_return;         // held[t]*r[t] - k*|held[t] - held[t-1]|; -1 at ruin, 0 after it
  std::vector<double> equity;             // 1 at bar 0, then times (1 + net_return)
  std::vector<double> drawdown;           // 1 - equity / running peak of equity
  std::vector<double> buy_hold;           // close[t] / close[0]: holding one unit from bar 0, no costs
  std::vector<kernels::RoundTrip> trips;  // in entry order; bars index the vectors above
};

//! Replays the /sweep row the query picks (`row`, or the best by `best`) of a sweep run.
//! The bars come from the run's data_file with the spec's selection; DataError when that store
//! changed since the run (its SHA-256 differs from data_sha256) or the run is not a sweep.
RowReplay replay_row(const std::filesystem::path& run, const CandidateQuery& query);

}  // namespace qg::jobs
