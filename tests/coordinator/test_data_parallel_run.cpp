// A train run with `fit: {data_parallel: true}` through the launcher: the refit on every
// sample is a collective task whose rows are split over the ranks (1 worker in one process; 2
// and 3 workers over in-process ranks), and the run file is the same bits as the serial loop's,
// where run_task fits every block in one process.
#include <gtest/gtest.h>

#include <thread>

#include "launch_fixture.hpp"
#include "qg/cluster/inprocess_transport.hpp"
#include "qg/coordinator/launcher.hpp"

namespace qg::coordinator {
namespace {

namespace fs = std::filesystem;

fs::path train_spec(const testing::LaunchFolder& dir, const std::string& model, const std::string& output) {
  return dir.write("train.yaml", "job: train\nname: dp\ndata: {file: '" + dir.store().string() +
                                     "', symbols: [SYN000]}\nfeatures:\n  - {kind: lagged_returns, lags: 3}\n"
                                     "  - {kind: volatility, window: 5}\ntarget: next_up\nmodel: " +
                                     model +
                                     "\ncv: {kind: time_series, n_splits: 3}\nscoring: log_loss\n"
                                     "fit: {data_parallel: true}\noutput: '" +
                                     dir.path(output).string() + "'\nseed: 1\n");
}

LaunchOptions options_for(const fs::path& spec) {
  LaunchOptions o;
  o.spec = spec;
  o.threads = 1;
  return o;
}

void run_world(int ranks, const LaunchOptions& options) {
  auto transports = cluster::make_inprocess_transports(ranks);
  std::vector<std::thread> threads;
  for (int r = 1; r < ranks; ++r)
    threads.emplace_back([&, r] { run_rank(options, *transports[static_cast<std::size_t>(r)]); });
  const RunOutcome outcome = run_rank(options, *transports[0]);
  for (auto& t : threads) t.join();
  EXPECT_FALSE(outcome.failure);
  EXPECT_EQ(outcome.summary.failed_count, 0u);
}

TEST(DataParallelRun, LogisticRefitIsTheSameBitsAtEveryRankCount) {
  testing::LaunchFolder dir;
  const auto spec = train_spec(dir, "{kind: logistic, params: {C: [0.1, 10]}}", "out.h5");
  const auto reference = testing::serial_digest(spec, dir.path("serial.h5"));
  run_single_process(options_for(spec));  // coordinator + 1 worker: the refit on 2 ranks
  EXPECT_EQ(results::RunReader::open(dir.path("out.h5"))->datasets_digest(), reference);
  for (int ranks : {3, 4}) {
    LaunchOptions o = options_for(spec);
    o.overwrite = true;
    run_world(ranks, o);
    EXPECT_EQ(results::RunReader::open(dir.path("out.h5"))->datasets_digest(), reference) << ranks << " ranks";
  }
}

TEST(DataParallelRun, RidgeRefitIsTheSameBitsAtThreeRanks) {
  testing::LaunchFolder dir;
  const auto spec = dir.write("ridge.yaml", "job: train\nname: dp\ndata: {file: '" + dir.store().string() +
                                                "', symbols: [SYN001]}\nfeatures:\n  - {kind: zscore, window: 10}\n"
                                                "  - {kind: rsi, period: 14}\nmodel: {kind: ridge, params: {alpha: "
                                                "[0.5, 50]}}\ncv: {kind: purged_kfold, n_splits: 4}\n"
                                                "fit: {data_parallel: true}\noutput: '" +
                                                dir.path("out.h5").string() + "'\n");
  const auto reference = testing::serial_digest(spec, dir.path("serial.h5"));
  run_world(3, options_for(spec));
  EXPECT_EQ(results::RunReader::open(dir.path("out.h5"))->datasets_digest(), reference);
}

}  // namespace
}  // namespace qg::coordinator
