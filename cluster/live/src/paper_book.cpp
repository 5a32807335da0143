#include "qg/live/paper_book.hpp"

#include <cmath>

#include "qg/core/error.hpp"
#include "qg/live/model_stream.hpp"

namespace qg::live {

const SymbolBook* PaperBook::find(const std::string& symbol) const {
  const auto it = books_.find(symbol);
  return it == books_.end() ? nullptr : &it->second;
}

void PaperBook::restore(std::map<std::string, SymbolBook> books, const PaperTotals& totals) {
  books_ = std::move(books);
  totals_ = totals;
}

void PaperBook::deploy(const Deployment& d, std::span<const FeedBar> history) {
  model_stream_ = nullptr;
  if (d.model) {
    auto model = std::make_unique<ModelStream>(d.model);
    model_stream_ = model.get();
    stream_ = std::move(model);
  } else {
    stream_ = kernels::make_position_stream(*d.strategy, d.params, d.mode);
  }
  deployed_symbol_ = d.symbol;
  for (const FeedBar& bar : history) stream_->step(bar.high, bar.low, bar.close);
}

std::optional<double> PaperBook::prediction() const {
  if (model_stream_ == nullptr) return std::nullopt;
  return model_stream_->last_prediction();
}

BarMark PaperBook::mark(const FeedBar& bar) {
  SymbolBook& book = books_[bar.symbol];
  BarMark m{book.decided, 0.0};
  if (book.last_date != 0) {
    const double r = bar.close / book.last_close - 1.0;
    m.net = book.decided * r - book.cost_rate * std::abs(book.decided - book.decided_before);
  }
  // Ruin: equity cannot go below 0. The bar that would take it there loses everything (-1);
  // the node then halts (LiveNode::process_bar).
  if (!ruined() && m.net <= -1.0) m.net = -1.0;
  if (bar.date != totals_.day_date) {
    totals_.day_date = bar.date;
    totals_.day_pnl = 0.0;
  }
  totals_.pnl += m.net;
  totals_.equity *= 1.0 + m.net;
  totals_.day_pnl += m.net;
  ++totals_.bars;
  book.last_date = bar.date;
  book.last_close = bar.close;
  return m;
}

std::optional<std::int8_t> PaperBook::advance(const FeedBar& bar) {
  if (!stream_ || bar.symbol != deployed_symbol_) return std::nullopt;
  return stream_->step(bar.high, bar.low, bar.close);
}

void PaperBook::open_decision(const std::string& symbol, std::optional<double> cost_rate) {
  SymbolBook& book = books_.at(symbol);
  if (cost_rate) book.cost_rate = *cost_rate;
  book.decided_before = book.decided;
}

PaperFill PaperBook::move_to(const std::string& symbol, double target) {
  SymbolBook& book = books_.at(symbol);
  const PaperFill fill{symbol, book.last_date,  book.decided,
                       target, book.last_close, book.cost_rate * std::abs(target - book.decided)};
  book.decided = target;
  return fill;
}

std::vector<std::string> PaperBook::open_positions() const {
  std::vector<std::string> open;
  for (const auto& [symbol, book] : books_)
    if (book.decided != 0.0) open.push_back(symbol);
  return open;
}

}  // namespace qg::live
