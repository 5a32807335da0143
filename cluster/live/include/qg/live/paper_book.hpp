#pragma once
// The live node's paper trading: per-symbol positions and P&L under the backtest convention
// (docs/strategies.md), and the deployed strategy evaluated one bar at a time by a position
// stream (qg/kernels/position_stream.hpp). The stream's rings, sized from the deployment's
// parameters, are all the bar history kept in memory: a bar costs O(window), never O(history),
// and its position equals the backtest's on the same bars bit for bit.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "qg/kernels/position_stream.hpp"
#include "qg/live/deployment.hpp"
#include "qg/live/feed_bar.hpp"

namespace qg::live {

class ModelStream;

//! One symbol's book. `decided` is the position decided at the last close (held over the next
//! bar), `decided_before` the one decided a close earlier.
struct SymbolBook {
  std::int32_t last_date = 0;
  double last_close = 0.0;
  double decided = 0.0;
  double decided_before = 0.0;
  double cost_rate = 0.0;
};

//! P&L over every symbol: the sum of net P&L, the product of (1 + net), the current date's sum.
struct PaperTotals {
  double pnl = 0.0;
  double equity = 1.0;
  std::int32_t day_date = 0;
  double day_pnl = 0.0;
  std::int64_t bars = 0;
};

//! What one bar did to its symbol's book: the position held over it and its net P&L.
struct BarMark {
  double held = 0.0;
  double net = 0.0;
};

//! A paper order filled at the symbol's last close.
struct PaperFill {
  std::string symbol;
  std::int32_t date = 0;
  double from = 0.0;
  double to = 0.0;
  double price = 0.0;
  double cost = 0.0;
};

class PaperBook {
 public:
  //! The symbol's book, or nullptr before its first bar.
  const SymbolBook* find(const std::string& symbol) const;
  std::size_t symbols() const { return books_.size(); }
  const std::map<std::string, SymbolBook>& books() const { return books_; }
  const PaperTotals& totals() const { return totals_; }
  //! Ruin (docs/strategies.md): a bar's net of -1 or below took equity to 0, where it stays.
  bool ruined() const { return totals_.equity <= 0.0; }
  //! Puts back books and totals saved earlier (no deployment: call deploy() after).
  void restore(std::map<std::string, SymbolBook> books, const PaperTotals& totals);

  //! Trades `d` from the next bar of its symbol on: a fresh stream of its strategy (or of its
  //! model, model_stream.hpp), warmed up on `history`, the symbol's bars already processed
  //! (oldest first).
  void deploy(const Deployment& d, std::span<const FeedBar> history);
  //! Books `bar`: its P&L from the position decided at the previous close (net of the cost of
  //! that change), totals, the day's P&L, and the bar as the symbol's last.
  BarMark mark(const FeedBar& bar);
  //! After mark(): on the deployed symbol, steps the stream and returns the strategy's position
  //! at this close (whether or not it is traded); nullopt on any other symbol.
  std::optional<std::int8_t> advance(const FeedBar& bar);
  //! Starts the decision at the symbol's last close: the current decision becomes the one
  //! before, and `cost_rate` (the deployment's, when it trades the symbol) applies from now.
  void open_decision(const std::string& symbol, std::optional<double> cost_rate);
  //! Replaces the position decided at the symbol's last close by `target`, paper-filled at
  //! that close. Requires a book for the symbol.
  PaperFill move_to(const std::string& symbol, double target);
  //! A deployed model's prediction at the last close of its symbol (NaN before its features are
  //! defined); nullopt when no model is deployed.
  std::optional<double> prediction() const;
  //! Symbols whose decided position is not flat, in name order.
  std::vector<std::string> open_positions() const;

 private:
  std::map<std::string, SymbolBook> books_;
  PaperTotals totals_;
  std::string deployed_symbol_;
  std::unique_ptr<kernels::PositionStream> stream_;
  const ModelStream* model_stream_ = nullptr;  // stream_ when it is a model's
};

}  // namespace qg::live
