// `quantgrid data import|generate|info|upgrade`.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "qg/core/error.hpp"
#include "qg/kernels/synthetic.hpp"
#include "qg/results/analysis.hpp"
#include "qg/results/market_store.hpp"

namespace qg::app {
namespace {

std::chrono::sys_days parse_day(const std::string& text) {
  int y = 0;
  unsigned m = 0, d = 0;
  char tail = 0;
  if (text.size() != 10 || std::sscanf(text.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3 || y < 1000)
    throw ConfigError("--start: '" + text + "' is not a date (YYYY-MM-DD, years 1000 to 9999)");
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) throw ConfigError("--start: '" + text + "' is not a calendar date");
  return std::chrono::sys_days{ymd};
}

std::int32_t yyyymmdd(std::chrono::sys_days day) {
  const std::chrono::year_month_day ymd{day};
  return static_cast<std::int32_t>(int(ymd.year()) * 10000 + unsigned(ymd.month()) * 100 + unsigned(ymd.day()));
}

//! `n` business days (Monday to Friday) from `start` on.
std::vector<std::int32_t> business_days(std::chrono::sys_days start, std::int64_t n) {
  std::vector<std::int32_t> out;
  out.reserve(static_cast<std::size_t>(n));
  for (auto day = start; static_cast<std::int64_t>(out.size()) < n; day += std::chrono::days{1}) {
    const std::chrono::weekday wd{day};
    if (wd != std::chrono::Saturday && wd != std::chrono::Sunday) out.push_back(yyyymmdd(day));
  }
  return out;
}

//! Creates the folder a store goes into, so that `--out data/market.h5` works on a fresh checkout.
void create_parent(const std::string& path) {
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
}

//! Stores hold dates as YYYYMMDD: the last bar must fall in year 9999 at the latest.
void check_last_date(const std::vector<std::int32_t>& dates, const std::string& start) {
  if (!dates.empty() && dates.back() > 99991231)
    throw ConfigError("--start: " + std::to_string(dates.size()) + " business days from " + start +
                      " run past 9999-12-31 (dates are stored as YYYYMMDD); start earlier or pass fewer --bars");
}

//! "imported SYM: N bars, FIRST to LAST", saying when an existing symbol was replaced or extended.
void print_imported(const results::ImportedSymbol& s, bool append) {
  const auto& a = s.added;
  std::cout << "imported " << a.symbol << ": " << a.bars << " bars";
  if (a.bars > 0) std::cout << ", " << a.first << " to " << a.last;
  if (s.existed) std::cout << (append ? " (appended to the store's bars" : " (replaced the store's bars");
  if (s.existed && s.skipped > 0) std::cout << "; " << s.skipped << " rows at or before its last date left out";
  if (s.existed) std::cout << ")";
  if ((a.real_fields & kFieldHigh) == 0) std::cout << " [closes only]";
  std::cout << "\n";
}

}  // namespace

int cmd_data_import(const ImportArgs& args) {
  results::CsvImportOptions options;
  options.symbol = args.symbol;
  options.existing = args.append    ? results::ExistingSymbols::kAppend
                     : args.replace ? results::ExistingSymbols::kReplace
                                    : results::ExistingSymbols::kRefuse;
  create_parent(args.out);
  const auto imported = results::import_csv(args.csv, args.out, options);
  for (const auto& s : imported) print_imported(s, args.append);
  std::cout << "store: " << args.out << "\n";
  return kExitOk;
}

int cmd_data_generate(const GenerateArgs& args) {
  const auto dates = business_days(parse_day(args.start), args.bars);
  check_last_date(dates, args.start);
  MarketData data;
  for (int i = 0; i < args.symbols; ++i) {
    auto bars = kernels::generate_bars(args.seed, static_cast<std::uint32_t>(i), args.bars);
    SymbolBars s;
    char name[16];
    std::snprintf(name, sizeof name, "SYN%03d", i);
    s.symbol = name;
    s.date = dates;
    s.open = std::move(bars.open);
    s.high = std::move(bars.high);
    s.low = std::move(bars.low);
    s.close = std::move(bars.close);
    s.volume = std::move(bars.volume);
    data.symbols.push_back(std::move(s));
  }
  create_parent(args.out);
  results::write_store(args.out, data);
  std::cout << "wrote " << args.symbols << " symbols x " << args.bars << " bars (seed " << args.seed << ") to "
            << args.out << "\n";
  return kExitOk;
}

int cmd_data_upgrade(const std::string& store) {
  const std::string was = results::upgrade_store(store);
  const std::string now = std::to_string(results::kStoreSchemaMajor) + "." + std::to_string(results::kStoreSchemaMinor);
  if (was == now)
    std::cout << store << ": already in the current layout (" << now << ")\n";
  else
    std::cout << store << ": upgraded from layout " << was << " to " << now << "\n";
  return kExitOk;
}

int cmd_data_info(const std::string& store) {
  results::print_store_info(store, std::cout);
  return kExitOk;
}

}  // namespace qg::app
