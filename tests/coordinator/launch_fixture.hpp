#pragma once
// A tiny market store and specs over it, in a private temporary folder, for the launcher tests;
// and the reference every launch mode is compared with: the job's stages run by a plain loop.
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "qg/coordinator/launcher.hpp"
#include "qg/jobs/job.hpp"
#include "qg/kernels/synthetic.hpp"
#include "qg/results/market_store.hpp"
#include "qg/results/run_file.hpp"
#include "qg_testing/temp_dir.hpp"

namespace qg::testing {

//! Symbols SYN000..SYN002, `bars` business days each from 2000-01-03 on (synthetic prices).
inline MarketData tiny_market(std::int64_t bars) {
  using namespace std::chrono;
  MarketData data;
  for (std::uint32_t s = 0; s < 3; ++s) {
    auto b = kernels::generate_bars(5, s, bars);
    SymbolBars sym;
    sym.symbol = "SYN00" + std::to_string(s);
    for (sys_days day{2000y / January / 3}; static_cast<std::int64_t>(sym.date.size()) < bars; day += days{1}) {
      const year_month_day ymd{day};
      if (weekday{day} == Saturday || weekday{day} == Sunday) continue;
      sym.date.push_back(int(ymd.year()) * 10000 + static_cast<int>(unsigned(ymd.month()) * 100 + unsigned(ymd.day())));
    }
    sym.open = std::move(b.open);
    sym.high = std::move(b.high);
    sym.low = std::move(b.low);
    sym.close = std::move(b.close);
    sym.volume = std::move(b.volume);
    data.symbols.push_back(std::move(sym));
  }
  return data;
}

//! A folder with store.h5 (tiny_market(400)) and the spec writers below.
class LaunchFolder {
 public:
  LaunchFolder() { results::write_store(store(), tiny_market(400)); }

  std::filesystem::path store() const { return dir_ / "store.h5"; }
  std::filesystem::path path(const std::string& name) const { return dir_ / name; }

  //! A sweep: 3 symbols x (fast 2..10) x (slow 12, 18, 24, 30), output `output`.
  std::filesystem::path sweep_spec(const std::string& output, const std::string& data_file = "") const {
    return write("sweep.yaml", "job: sweep\nname: tiny\ndata: {file: '" + data_or_store(data_file) +
                                   "', symbols: all}\nstrategy:\n  kind: sma_crossover\n  mode: long_short\n"
                                   "  params:\n    fast: {from: 2, to: 10, step: 1}\n"
                                   "    slow: {from: 12, to: 30, step: 6}\n"
                                   "search: {method: grid}\nrank_by: sharpe\noutput: '" +
                                   path(output).string() + "'\nseed: 3\n");
  }

  //! A two-stage var job (the second stage needs the first one's threshold).
  std::filesystem::path var_spec(const std::string& output) const {
    return write("var.yaml", "job: var\nname: tiny-var\ndata: {file: '" + store().string() +
                                 "', symbols: all}\nportfolio:\n  positions:\n"
                                 "    - {symbol: SYN000, quantity: 10}\n    - {symbol: SYN001, quantity: -4}\n"
                                 "model: {window: 250}\nconfidence: [0.95, 0.99]\nscenarios: 20000\n"
                                 "batch: 4096\nseed: 11\noutput: '" +
                                 path(output).string() + "'\n");
  }

  std::filesystem::path write(const std::string& name, const std::string& text) const {
    write_text(path(name), text);
    return path(name);
  }

 private:
  std::string data_or_store(const std::string& data_file) const {
    return data_file.empty() ? store().string() : data_file;
  }

  TempDir dir_{"qg_launcher"};
};

//! The run file of `spec` computed by a plain loop: every task of every stage in order on
//! this thread, straight into the job's reducer. Returns the file's datasets digest.
inline std::string serial_digest(const std::filesystem::path& spec, const std::filesystem::path& out) {
  const std::string text = read_bytes(spec);
  const auto header = jobs::parse_header(text, spec.string());
  auto data = std::make_shared<const MarketData>(results::read_store(header.data_file, header.data));
  auto job = jobs::make_job(text, spec.string(), std::move(data));
  auto file = results::RunFile::create(out);
  auto reducer = job->make_reducer(*file);
  std::vector<double> records, input;
  for (std::uint32_t stage = 0; stage < job->num_stages(); ++stage) {
    for (std::uint64_t task = 0; task < job->num_tasks(stage, input); ++task) {
      job->run_task(stage, input, task, records);
      reducer->consume(stage, task, records);
    }
    input = reducer->end_stage(stage);
  }
  file->commit();
  return results::RunReader::open(out)->datasets_digest();
}

}  // namespace qg::testing
