#include "qg/jobs/row_replay.hpp"

#include <algorithm>
#include <cmath>
#include <span>

#include "qg/core/error.hpp"
#include "qg/jobs/job.hpp"
#include "qg/kernels/net_returns.hpp"
#include "qg/kernels/ruin.hpp"
#include "qg/kernels/strategy.hpp"
#include "qg/results/market_store.hpp"
#include "qg/results/run_file.hpp"
#include "sweep/sweep_candidate.hpp"

namespace qg::jobs {
namespace {

//! The bars of `symbol` exactly as the sweep read them: the run's store and date selection.
SymbolBars row_bars(const results::RunReader& reader, const std::filesystem::path& run, const std::string& symbol) {
  const std::string spec_text = reader.string_attribute("/", "spec_text");
  results::DataSelection selection = parse_header(spec_text, run.string() + ":spec_text").data;
  selection.symbols = {symbol};
  const std::string store = reader.string_attribute("/", "data_file");
  if (results::store_digest(store) != reader.string_attribute("/", "data_sha256"))
    throw DataError(store + ": the market store changed since " + run.string() +
                    " was written (its SHA-256 differs from the run's data_sha256); the row cannot be replayed");
  MarketData data = results::read_store(store, selection);
  return std::move(data.symbols.front());
}

//! Positions decided at every bar 0..T-1 for the row's parameter set.
std::vector<std::int8_t> row_positions(const Candidate& c, const kernels::PreparedSeries& series) {
  const kernels::Strategy* strategy = kernels::find_strategy(c.strategy);
  if (strategy == nullptr) throw DataError("unknown strategy '" + c.strategy + "' in the run file");
  std::vector<double> set;
  for (const auto& param : c.params) set.push_back(param.second);
  const auto mode = c.mode == "long_short" ? kernels::PositionMode::kLongShort : kernels::PositionMode::kLongFlat;
  std::vector<std::int8_t> pos(static_cast<std::size_t>(series.size()));
  strategy->positions_range(series, set.data(), 1, mode, {0, series.size()}, pos.data());
  return pos;
}

//! Fills held, net_return, equity, drawdown and buy_hold from the positions. Returns the ruin
//! bar (kernels/ruin.hpp), after which the book holds nothing, or T when there is none.
std::size_t fill_curves(RowReplay& out, const kernels::PreparedSeries& series, const std::vector<std::int8_t>& pos) {
  const auto n = static_cast<std::size_t>(series.size());
  out.held.assign(n, 0);
  std::copy(pos.begin(), pos.end() - 1, out.held.begin() + 1);
  out.net_return.assign(n, 0.0);
  const kernels::PositionRows rows{pos.data(), 1, {0, series.size()}};
  kernels::net_returns(series, rows, out.row.cost_per_unit, {1, series.size()}, out.net_return.data() + 1);
  const std::size_t ruin_bar = 1 + kernels::apply_ruin(std::span<double>(out.net_return).subspan(1));
  if (ruin_bar < n) std::fill(out.held.begin() + static_cast<std::ptrdiff_t>(ruin_bar) + 1, out.held.end(), 0);
  out.equity.assign(n, 1.0);
  out.drawdown.assign(n, 0.0);
  out.buy_hold.assign(n, 1.0);
  double peak = 1.0;
  for (std::size_t t = 1; t < n; ++t) {
    out.equity[t] = out.equity[t - 1] * (1.0 + out.net_return[t]);
    peak = std::max(peak, out.equity[t]);
    out.drawdown[t] = 1.0 - out.equity[t] / peak;
    out.buy_hold[t] = out.close[t] / out.close[0];
  }
  return ruin_bar;
}

//! The trip held over the ruin bar lost everything: return -1, no closing cost (nothing was
//! left to trade). It exits at the ruin bar's close; one ruined on the last bar stays open.
void mark_ruined_trip(std::vector<kernels::RoundTrip>& trips, std::size_t ruin_bar, double cost) {
  const auto bar = static_cast<std::int64_t>(ruin_bar);
  for (kernels::RoundTrip& trip : trips)
    if (trip.entry_bar <= bar && (trip.exit_bar < 0 || trip.exit_bar > bar)) {
      trip.growth = 0.0;
      trip.cost = cost * std::abs(static_cast<double>(trip.side));
    }
}

}  // namespace

RowReplay replay_row(const std::filesystem::path& run, const CandidateQuery& query) {
  const auto reader = results::RunReader::open(run);
  if (!reader->has("/sweep"))
    throw DataError(run.string() + ": no /sweep table (only the rows of sweep runs can be replayed)");
  RowReplay out;
  out.row =
      query.best.empty() ? sweep_candidate_at(run, query.row) : best_sweep_candidate(run, query.best, query.ascending);
  SymbolBars bars = row_bars(*reader, run, out.row.symbol);
  const kernels::PreparedSeries series(kernels::BarsView{bars.high, bars.low, bars.close});
  out.date = std::move(bars.date);
  out.close = std::move(bars.close);
  const std::size_t ruin_bar = fill_curves(out, series, row_positions(out.row, series));
  const std::span<const double> returns(series.returns(), static_cast<std::size_t>(series.size()));
  out.trips = kernels::round_trips(returns, out.held, out.row.cost_per_unit);
  if (ruin_bar < out.held.size()) mark_ruined_trip(out.trips, ruin_bar, out.row.cost_per_unit);
  return out;
}

}  // namespace qg::jobs
