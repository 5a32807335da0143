// PaperBook: the backtest's P&L convention on a hand-computed path, the totals, and the deployed
// strategy's stream warmed up on history giving the batch positions of the whole series.
#include <gtest/gtest.h>

#include "live_fixture.hpp"
#include "qg/live/paper_book.hpp"
#include "qg/kernels/strategy.hpp"

namespace qg::live {
namespace {

using namespace testing;

FeedBar bar(const std::string& symbol, std::int32_t date, double close) {
  return {symbol, date, close, close, close, close, 0};
}

//! A deployment of `kind` on SYM (only the fields the book reads).
Deployment deployment(const char* kind, std::vector<double> params, kernels::PositionMode mode) {
  Deployment d;
  d.strategy = kernels::find_strategy(kind);
  d.params = std::move(params);
  d.mode = mode;
  d.symbol = "SYM";
  return d;
}

// Closes 100, 110, 99 with cost 0.01 per unit. Decided long at close 0, short at close 1:
//   bar 1: held 1,  r = 110/100 - 1 = 0.1,  net = 1*0.1 - 0.01*|1 - 0| = 0.09
//   bar 2: held -1, r = 99/110 - 1 = -0.1,  net = -1*(-0.1) - 0.01*|-1 - 1| = 0.08
// equity = 1.09 * 1.08 = 1.1772; pnl = 0.17.
TEST(PaperBook, BooksTheBacktestConventionByHand) {
  PaperBook book;
  EXPECT_EQ(book.mark(bar("SYM", 20240101, 100.0)).net, 0.0);
  book.open_decision("SYM", 0.01);
  const PaperFill fill = book.move_to("SYM", 1.0);
  EXPECT_EQ(fill.from, 0.0);
  EXPECT_EQ(fill.to, 1.0);
  EXPECT_EQ(fill.price, 100.0);
  EXPECT_DOUBLE_EQ(fill.cost, 0.01);
  const BarMark m1 = book.mark(bar("SYM", 20240102, 110.0));
  EXPECT_EQ(m1.held, 1.0);
  EXPECT_NEAR(m1.net, 0.09, 1e-15);
  book.open_decision("SYM", std::nullopt);  // the rate stays
  book.move_to("SYM", -1.0);
  const BarMark m2 = book.mark(bar("SYM", 20240103, 99.0));
  EXPECT_EQ(m2.held, -1.0);
  EXPECT_NEAR(m2.net, 0.08, 1e-15);
  EXPECT_NEAR(book.totals().pnl, 0.17, 1e-15);
  EXPECT_NEAR(book.totals().equity, 1.1772, 1e-15);
  EXPECT_EQ(book.totals().bars, 3);
  EXPECT_EQ(book.open_positions(), std::vector<std::string>{"SYM"});
}

TEST(PaperBook, DayPnlRestartsOnANewDate) {
  PaperBook book;
  book.mark(bar("A", 20240101, 10.0));
  book.open_decision("A", 0.0);
  book.move_to("A", 1.0);
  book.mark(bar("A", 20240102, 11.0));  // +0.1 on the 2nd
  book.mark(bar("B", 20240102, 5.0));   // same date, another symbol
  EXPECT_EQ(book.totals().day_date, 20240102);
  EXPECT_NEAR(book.totals().day_pnl, 0.1, 1e-15);
  book.mark(bar("A", 20240103, 11.0));
  EXPECT_EQ(book.totals().day_date, 20240103);
  EXPECT_EQ(book.totals().day_pnl, 0.0);
  EXPECT_EQ(book.symbols(), 2u);
}

TEST(PaperBook, AdvanceIsOnlyForTheDeployedSymbol) {
  PaperBook book;
  EXPECT_FALSE(book.advance(bar("SYM", 20240101, 10.0)).has_value());  // nothing deployed
  book.deploy(deployment("momentum", {1}, kernels::PositionMode::kLongShort), {});
  EXPECT_FALSE(book.advance(bar("OTHER", 20240101, 10.0)).has_value());
  EXPECT_EQ(book.advance(bar("SYM", 20240101, 10.0)), std::optional<std::int8_t>(0));  // warm-up
  EXPECT_EQ(book.advance(bar("SYM", 20240102, 9.0)), std::optional<std::int8_t>(-1));  // 9 < 10
}

// Deployed after 1,500 bars, the strategy is warmed up on them and its positions on the next
// 1,500 equal the batch kernel's on all 3,000: for a strategy with state (a held position and
// a recursion) a fresh stream would differ.
TEST(PaperBook, WarmUpOnHistoryGivesTheWholeSeriesPositions) {
  const auto bars = make_bars("SYM", 3000, 4);
  std::vector<double> h, l, c;
  for (const auto& b : bars) {
    h.push_back(b.high);
    l.push_back(b.low);
    c.push_back(b.close);
  }
  const kernels::PreparedSeries series(kernels::BarsView{h, l, c});
  for (const auto& [kind, params] : std::vector<std::pair<const char*, std::vector<double>>>{
           {"rsi", {14, 30, 70}}, {"donchian", {40, 15}}, {"ema_crossover", {10, 50}}}) {
    const Deployment d = deployment(kind, params, kernels::PositionMode::kLongShort);
    std::vector<std::int8_t> batch(bars.size());
    d.strategy->positions(series, d.params.data(), 1, d.mode, batch.data());
    PaperBook book;
    book.deploy(d, std::span<const FeedBar>(bars).first(1500));
    for (std::size_t t = 1500; t < bars.size(); ++t) {
      book.mark(bars[t]);
      ASSERT_EQ(book.advance(bars[t]), std::optional<std::int8_t>(batch[t])) << kind << " bar " << t;
    }
  }
}

}  // namespace
}  // namespace qg::live
