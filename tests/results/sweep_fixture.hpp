#pragma once
// A small, fully deterministic sweep run file, shaped like the sweep writer's output: shared by
// the analysis tests and the Python reader's fixture.
#include <cmath>
#include <filesystem>
#include <limits>
#include <vector>

#include "qg/core/sha256.hpp"
#include "qg/results/run_file.hpp"

namespace qg::results::testing {

//! Rows: combo c in 0..3 over symbols {AAPL, MSFT}; fast = 5 + 5*(c%2), slow = 20 + 20*(c/2);
//! sharpe = 0.1*c + 0.5*symbol (NaN for combo 3 of MSFT); ret = 0.01*(c+1).
inline void write_sweep_fixture(const std::filesystem::path& path) {
  auto file = RunFile::create(path);
  file->set_attribute("/", "tool_version", "0.1.0");
  file->set_attribute("/", "git_commit", "abc123def456");
  file->set_attribute("/", "job_kind", "sweep");
  file->set_attribute("/", "job_name", "sma_grid");
  file->set_attribute("/", "tables", "sweep");
  file->set_attribute("/", "table_paths", "/sweep");
  file->set_attribute("/", "spec_text", "[job]\nkind = \"sweep\"\n");
  file->set_attribute("/", "spec_sha256", sha256_hex("[job]\nkind = \"sweep\"\n"));
  file->set_attribute("/", "data_file", "prices.h5");
  file->set_attribute("/", "data_sha256", sha256_hex("prices"));
  file->set_attribute("/", "seed", 42);
  file->set_attribute("/", "ranks", 4);
  file->set_attribute("/", "threads", 2);
  file->set_attribute("/", "start_time", "2026-11-22T04:00:00Z");
  file->set_attribute("/", "end_time", "2026-11-22T04:00:07Z");
  file->set_attribute("/sweep", "strategy", "sma_crossover");
  file->set_attribute("/sweep", "rank_by", "sharpe");
  TableWriter& table = file->create_table("/sweep", {{"combo", ColumnType::kInt64},
                                                     {"symbol", ColumnType::kInt64},
                                                     {"params/fast", ColumnType::kFloat64},
                                                     {"params/slow", ColumnType::kFloat64},
                                                     {"metrics/sharpe", ColumnType::kFloat64},
                                                     {"metrics/ret", ColumnType::kFloat64}});
  for (int symbol = 0; symbol < 2; ++symbol) {
    for (int combo = 0; combo < 4; ++combo) {
      const double sharpe =
          symbol == 1 && combo == 3 ? std::numeric_limits<double>::quiet_NaN() : 0.1 * combo + 0.5 * symbol;
      const std::vector<double> row{double(combo),           double(symbol), 5.0 + 5 * (combo % 2),
                                    20.0 + 20 * (combo / 2), sharpe,         0.01 * (combo + 1)};
      table.append(row);
    }
  }
  file->write_strings("/sweep/symbols", {"AAPL", "MSFT"});
  file->commit();
}

}  // namespace qg::results::testing
