// The data-dependent half of a var job's setup: symbols, stress scenarios, the dates common
// to the book's symbols, returns, the covariance and its Cholesky factor, and the book.
#include <Eigen/Dense>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "qg/core/error.hpp"
#include "var/var_spec.hpp"
#include "qg/kernels/var/black_scholes.hpp"
#include "qg/kernels/var/risk_model.hpp"
#include "qg/jobs/spec_reader.hpp"

namespace qg::jobs {
namespace {

using detail::Field;
using detail::MapReader;
namespace kv = kernels::var;

std::string fmt(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(v);
}

std::string date_text(std::int32_t d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d / 10000, d / 100 % 100, d % 100);
  return buf;
}

[[noreturn]] void data_fail(const Field& f, const std::string& what) {
  throw DataError(f.origin() + ":" + std::to_string(f.line()) + ": " + f.path() + ": " + what);
}

//! The field of `key` inside the optional map `section`, else the section, else the root key.
Field locate(const MapReader& top, std::string_view section, std::string_view key) {
  if (auto s = top.optional(section)) {
    if (s->is_map()) {
      const MapReader m(*s, {"window", "covariance", "lambda", "distribution", "nu", "mean", "shrinkage"});
      if (auto f = m.optional(key)) return *f;
    }
    return *s;
  }
  return top.required("job");
}

class SymbolIndex {
 public:
  explicit SymbolIndex(const MarketData& data) : data_(data) {
    for (std::size_t i = 0; i < data.symbols.size(); ++i) index_[data.symbols[i].symbol] = i;
  }
  std::size_t find(const Field& f, const std::string& symbol) const {
    const auto it = index_.find(symbol);
    if (it != index_.end()) return it->second;
    std::string known;
    for (std::size_t i = 0; i < data_.symbols.size() && i < 8; ++i) known += (i ? ", " : "") + data_.symbols[i].symbol;
    if (data_.symbols.size() > 8) known += ", ...";
    data_fail(f, "unknown symbol '" + symbol + "' (not in the data selection; it has " +
                     std::to_string(data_.symbols.size()) + " symbols: " + known + ")");
  }

 private:
  const MarketData& data_;
  std::map<std::string, std::size_t> index_;
};

//! Resolves position symbols; fills setup.assets and returns each position's asset index.
std::vector<std::size_t> resolve_positions(const MapReader& top, const SymbolIndex& index, VarSetup& setup,
                                           std::vector<std::size_t>& data_of_asset) {
  const auto items = top.required("portfolio").as_map({"positions"}).required("positions").as_list();
  std::vector<std::size_t> asset_of;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& symbol = setup.spec.positions[i].symbol;
    const Field field =
        items[i].as_map({"symbol", "quantity", "option", "strike", "expiry_days", "vol"}).required("symbol");
    const std::size_t d = index.find(field, symbol);
    const auto it = std::find(setup.assets.begin(), setup.assets.end(), symbol);
    asset_of.push_back(static_cast<std::size_t>(it - setup.assets.begin()));
    if (it == setup.assets.end()) {
      setup.assets.push_back(symbol);
      data_of_asset.push_back(d);
    }
  }
  return asset_of;
}

void read_stress(const MapReader& top, const SymbolIndex& index, VarSetup& setup) {
  const auto stress = top.optional("stress");
  if (!stress) return;
  for (const auto& item : stress->as_list()) {
    const MapReader m = item.as_map({"name", "shocks"});
    StressSpec s;
    s.name = m.required("name").as_string();
    for (const auto& other : setup.spec.stress)
      if (other.name == s.name) m.required("name").fail("scenario '" + s.name + "' named twice");
    const Field shocks = m.required("shocks");
    if (!shocks.is_map()) shocks.fail("must be a map of symbol: simple return");
    for (auto it = shocks.node().begin(); it != shocks.node().end(); ++it) {
      const std::string symbol = it->first.Scalar();
      const Field value(it->second, detail::join_path(shocks.path(), symbol), it->first.Mark(), shocks.origin());
      index.find(value, symbol);
      const double r = value.as_double();
      if (r < -1) value.fail("a simple return below -1 (-100%) is impossible (got " + fmt(r) + ")");
      s.shocks.emplace_back(symbol, r);
    }
    setup.spec.stress.push_back(std::move(s));
  }
}

//! Dates present for every asset, and the closes on them (rows: dates, columns: assets).
Eigen::MatrixXd align(const MarketData& data, const std::vector<std::size_t>& data_of_asset,
                      std::vector<std::int32_t>& dates) {
  dates = data.symbols[data_of_asset.front()].date;
  for (std::size_t a = 1; a < data_of_asset.size(); ++a) {
    const auto& other = data.symbols[data_of_asset[a]].date;
    std::vector<std::int32_t> common;
    std::set_intersection(dates.begin(), dates.end(), other.begin(), other.end(), std::back_inserter(common));
    dates.swap(common);
  }
  Eigen::MatrixXd closes(static_cast<Eigen::Index>(dates.size()), static_cast<Eigen::Index>(data_of_asset.size()));
  for (std::size_t a = 0; a < data_of_asset.size(); ++a) {
    const auto& bars = data.symbols[data_of_asset[a]];
    std::size_t j = 0;
    for (std::size_t t = 0; t < dates.size(); ++t) {
      while (bars.date[j] != dates[t]) ++j;
      closes(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(a)) = bars.close[j];
    }
  }
  return closes;
}

void check_history(const MapReader& top, VarSetup& setup) {
  const VarSpec& spec = setup.spec;
  const auto r = static_cast<std::size_t>(setup.returns.rows());
  std::string names;
  for (std::size_t a = 0; a < setup.assets.size() && a < 6; ++a) names += (a ? ", " : "") + setup.assets[a];
  if (setup.assets.size() > 6) names += ", ...";
  const std::string span =
      r == 0 ? std::string("no common dates") : date_text(setup.dates.front()) + " to " + date_text(setup.dates.back());
  if (r < spec.window)
    data_fail(locate(top, "model", "window"),
              "needs " + std::to_string(spec.window) + " returns but the dates common to " + names + " give only " +
                  std::to_string(r) + " (" + span + "); shorten the window or widen data.start/end");
  if (spec.backtest_window > 0 && r <= spec.backtest_window)
    data_fail(top.required("backtest").as_map({"window"}).required("window"),
              "the backtest needs more than " + std::to_string(spec.backtest_window) + " returns but the history has " +
                  std::to_string(r) + " (" + span + ")");
}

void estimate(const MapReader& top, VarSetup& setup) {
  const VarSpec& spec = setup.spec;
  const auto n = static_cast<Eigen::Index>(setup.assets.size());
  const auto w = static_cast<Eigen::Index>(spec.window);
  const Eigen::MatrixXd window = setup.returns.bottomRows(w);
  setup.cov.resize(n, n);
  if (spec.covariance == CovarianceKind::kEwma)
    kv::ewma_cov(window, spec.lambda, setup.cov);
  else
    kv::sample_cov(window, setup.cov);
  if (spec.shrinkage > 0) kv::shrink_to_diagonal(setup.cov, spec.shrinkage);
  const double h = spec.horizon_days;
  setup.cov *= h;
  const Eigen::RowVectorXd mean1 = window.colwise().mean();
  setup.mean = spec.mean == MeanKind::kSample ? Eigen::VectorXd(h * mean1.transpose()) : Eigen::VectorXd::Zero(n);
  // History rows as horizon shocks: the mean per `mean`, the deviations scaled by sqrt(h).
  setup.horizon_history = (window.rowwise() - mean1) * std::sqrt(h);
  setup.horizon_history.rowwise() += setup.mean.transpose();

  kv::ShockModel& model = setup.model;
  model.dist = spec.distribution;
  model.nu = spec.nu;
  model.mean = setup.mean;
  model.history = setup.horizon_history;
  if (model.dist == kv::Distribution::kBootstrap) return;
  if (auto fail = kv::cholesky_lower(setup.cov, model.chol)) {
    std::string involved;
    for (auto i : fail->involved)
      involved += (involved.empty() ? "" : ", ") + setup.assets[static_cast<std::size_t>(i)];
    std::string what = "the estimated covariance is not positive definite: Cholesky fails at pivot " +
                       std::to_string(fail->pivot) + " (" + setup.assets[static_cast<std::size_t>(fail->pivot)] + ")";
    what += involved.empty() ? std::string(", whose variance over the window is zero")
                             : ", which moves as a combination of " + involved;
    what += "; set model.shrinkage (e.g. 0.1) to blend toward the diagonal, or drop the redundant position";
    data_fail(locate(top, "model", "covariance"), what);
  }
}

void compile_book(const std::vector<std::size_t>& asset_of, const Eigen::MatrixXd& closes, VarSetup& setup) {
  const VarSpec& spec = setup.spec;
  kv::Book& book = setup.book;
  const Eigen::Index last = closes.rows() - 1;
  for (Eigen::Index a = 0; a < closes.cols(); ++a) book.prices.push_back(closes(last, a));
  book.rate = spec.rate;
  book.horizon_years = spec.horizon_days / kTradingDaysPerYear;
  for (std::size_t i = 0; i < spec.positions.size(); ++i) {
    const auto& p = spec.positions[i];
    kv::BookPosition bp{asset_of[i], p.quantity, -1};
    if (p.is_option) {
      kv::OptionLeg leg{asset_of[i], p.type, p.strike, p.expiry_days / kTradingDaysPerYear, p.vol, 0.0};
      leg.value0 = kv::bs_price(leg.type, book.prices[leg.asset], leg.strike, leg.expiry, book.rate, leg.vol);
      bp.option = static_cast<int>(book.options.size());
      book.options.push_back(leg);
    }
    book.positions.push_back(bp);
    setup.position_names.push_back(p.label);
  }
}

}  // namespace

void build_from_data(const MapReader& top, const MarketData& data, VarSetup& setup) {
  const SymbolIndex index(data);
  std::vector<std::size_t> data_of_asset;
  const auto asset_of = resolve_positions(top, index, setup, data_of_asset);
  read_stress(top, index, setup);
  const Eigen::MatrixXd closes = align(data, data_of_asset, setup.dates);
  if ((closes.array() <= 0).any())
    throw DataError(setup.spec.header.data_file + ": a close of the book's symbols is not positive");
  const Eigen::Index d = closes.rows();
  setup.returns = d > 1 ? Eigen::MatrixXd(closes.bottomRows(d - 1).array() / closes.topRows(d - 1).array() - 1.0)
                        : Eigen::MatrixXd(0, closes.cols());
  check_history(top, setup);
  estimate(top, setup);
  compile_book(asset_of, closes, setup);
}

}  // namespace qg::jobs
