// The run launcher: what prepare_run refuses and loads, the single-process mode and the rank
// mode (over in-process ranks) against a plain serial loop, and how a failure of rank 0's
// preparation reaches every other rank.
#include <gtest/gtest.h>

#include <thread>

#include "launch_fixture.hpp"
#include "qg/cluster/inprocess_transport.hpp"
#include "qg/core/exit_code.hpp"

namespace qg::coordinator {
namespace {

using testing::LaunchFolder;
namespace fs = std::filesystem;

LaunchOptions options_for(const fs::path& spec) {
  LaunchOptions o;
  o.spec = spec;
  o.threads = 2;
  return o;
}

//! Runs `body` and returns the qg::Error it throws (fails the test if it throws none).
template <class Body>
Error error_of(Body body) {
  try {
    body();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no qg::Error thrown";
  return InternalError("none");
}

TEST(PrepareRun, RefusesAnExistingOutputWithoutOverwrite) {
  LaunchFolder dir;
  auto options = options_for(dir.sweep_spec("out.h5"));
  testing::write_text(dir.path("out.h5"), "an earlier run");
  const Error e = error_of([&] { prepare_run(options); });
  EXPECT_EQ(e.kind(), ErrorKind::kConfig);
  EXPECT_NE(std::string(e.what()).find("--overwrite"), std::string::npos) << e.what();
  options.overwrite = true;  // --overwrite replaces only a quantgrid run file, and this is not one
  const Error refused = error_of([&] { prepare_run(options); });
  EXPECT_NE(std::string(refused.what()).find("is not a quantgrid run file"), std::string::npos) << refused.what();
  EXPECT_EQ(testing::read_bytes(dir.path("out.h5")), "an earlier run");  // preparing replaces nothing
}

TEST(PrepareRun, RefusesAStrayJournalWithoutResume) {
  LaunchFolder dir;
  auto options = options_for(dir.sweep_spec("out.h5"));
  testing::write_text(dir.path("out.h5.journal"), "journal of an interrupted run");
  options.overwrite = true;  // --overwrite is about the run file: the journal still needs --resume
  const Error e = error_of([&] { prepare_run(options); });
  EXPECT_EQ(e.kind(), ErrorKind::kConfig);
  EXPECT_NE(std::string(e.what()).find("out.h5.journal"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("--resume"), std::string::npos) << e.what();
  options.resume = true;
  EXPECT_NO_THROW(prepare_run(options));
}

TEST(PrepareRun, MissingSpecIsAnIoErrorNamingThePath) {
  LaunchFolder dir;
  const Error e = error_of([&] { prepare_run(options_for(dir.path("absent.yaml"))); });
  EXPECT_EQ(e.kind(), ErrorKind::kIo);
  EXPECT_NE(std::string(e.what()).find(dir.path("absent.yaml").string()), std::string::npos) << e.what();
  EXPECT_EQ(exit_code(e), kExitData);
}

TEST(PrepareRun, MissingDataFileExitsWithTheDataCode) {
  LaunchFolder dir;
  const auto spec = dir.sweep_spec("out.h5", dir.path("absent.h5").string());
  const Error e = error_of([&] { prepare_run(options_for(spec)); });
  EXPECT_EQ(exit_code(e), kExitData) << e.what();
  EXPECT_NE(std::string(e.what()).find("absent.h5"), std::string::npos) << e.what();
}

TEST(PrepareRun, LoadsTheSpecsDataAndDigestsTheStore) {
  LaunchFolder dir;
  auto options = options_for(dir.sweep_spec("out.h5"));
  const auto run = prepare_run(options);
  EXPECT_EQ(run.payload.status, cluster::JobStatus::kReady);
  EXPECT_EQ(run.payload.spec_text, testing::read_bytes(options.spec));
  ASSERT_EQ(run.payload.data.symbols.size(), 3u);
  const MarketData expected = testing::tiny_market(400);  // what the folder's store holds
  for (std::size_t s = 0; s < 3; ++s) {
    EXPECT_EQ(run.payload.data.symbols[s].symbol, expected.symbols[s].symbol);
    EXPECT_EQ(run.payload.data.symbols[s].date, expected.symbols[s].date);
    EXPECT_EQ(run.payload.data.symbols[s].close, expected.symbols[s].close);
  }
  EXPECT_EQ(run.context.data_sha256, results::store_digest(dir.store()));
  EXPECT_EQ(run.context.output, dir.path("out.h5"));  // the spec's output
  options.output = dir.path("sub/other.h5");          // --output wins, its folder is created
  EXPECT_EQ(prepare_run(options).context.output, dir.path("sub/other.h5"));
  EXPECT_TRUE(fs::is_directory(dir.path("sub")));
}

TEST(PrepareRun, AnOutputFolderThatCannotBeMadeIsAnIoError) {
  LaunchFolder dir;
  auto options = options_for(dir.sweep_spec("out.h5"));
  options.output = dir.store() / "out.h5";  // the store is a file: no folder can go there
  const Error e = error_of([&] { prepare_run(options); });
  EXPECT_EQ(e.kind(), ErrorKind::kIo);
  EXPECT_EQ(exit_code(e), kExitData);
}

//! run_single_process on `spec` writes the same datasets as the serial loop.
void expect_single_process_equals_serial(const LaunchFolder& dir, const fs::path& spec) {
  const auto reference = testing::serial_digest(spec, dir.path("serial.h5"));
  const RunOutcome outcome = run_single_process(options_for(spec));
  EXPECT_EQ(outcome.role, RunRole::kCoordinator);
  EXPECT_FALSE(outcome.failure);
  EXPECT_EQ(outcome.output, dir.path("out.h5"));
  EXPECT_EQ(outcome.summary.failed_count, 0u);
  EXPECT_GT(outcome.summary.tasks, 0u);
  EXPECT_EQ(results::RunReader::open(outcome.output)->datasets_digest(), reference);
  EXPECT_FALSE(fs::exists(dir.path("out.h5.journal")));
}

TEST(RunSingleProcess, SweepEqualsTheSerialLoop) {
  LaunchFolder dir;
  expect_single_process_equals_serial(dir, dir.sweep_spec("out.h5"));
}

TEST(RunSingleProcess, TwoStageVarEqualsTheSerialLoop) {
  LaunchFolder dir;  // stage 1 reads the threshold the coordinator set on the shared job
  expect_single_process_equals_serial(dir, dir.var_spec("out.h5"));
}

TEST(RunSingleProcess, ThrowsThePreparationError) {
  LaunchFolder dir;
  EXPECT_THROW(run_single_process(options_for(dir.path("absent.yaml"))), IoError);
}

//! run_rank on every endpoint of an in-process world of `ranks`, one thread each.
std::vector<RunOutcome> run_world(int ranks, const LaunchOptions& options) {
  auto transports = cluster::make_inprocess_transports(ranks);
  std::vector<RunOutcome> outcomes(static_cast<std::size_t>(ranks));
  std::vector<std::thread> threads;
  for (std::size_t r = 1; r < outcomes.size(); ++r)
    threads.emplace_back([&, r] { outcomes[r] = run_rank(options, *transports[r]); });
  outcomes[0] = run_rank(options, *transports[0]);
  for (auto& t : threads) t.join();
  return outcomes;
}

TEST(RunRank, ThreeRanksEqualTheSerialLoop) {
  LaunchFolder dir;
  const auto spec = dir.var_spec("out.h5");
  const auto reference = testing::serial_digest(spec, dir.path("serial.h5"));
  const auto outcomes = run_world(3, options_for(spec));
  EXPECT_EQ(outcomes[0].role, RunRole::kCoordinator);
  EXPECT_EQ(outcomes[0].summary.failed_count, 0u);
  EXPECT_EQ(outcomes[1].role, RunRole::kWorker);
  EXPECT_EQ(outcomes[2].role, RunRole::kWorker);
  for (const auto& o : outcomes) EXPECT_FALSE(o.failure);
  EXPECT_EQ(results::RunReader::open(dir.path("out.h5"))->datasets_digest(), reference);
}

TEST(RunRank, Rank0sPreparationFailureReachesEveryRank) {
  LaunchFolder dir;
  auto options = options_for(dir.sweep_spec("out.h5"));
  testing::write_text(dir.path("out.h5"), "an earlier run");  // refused without --overwrite
  const auto outcomes = run_world(3, options);
  for (std::size_t r = 0; r < outcomes.size(); ++r) {
    ASSERT_TRUE(outcomes[r].failure) << "rank " << r;
    EXPECT_EQ(outcomes[r].failure->kind, ErrorKind::kConfig);
    EXPECT_NE(outcomes[r].failure->message.find("--overwrite"), std::string::npos);
    EXPECT_EQ(outcomes[r].role, r == 0 ? RunRole::kCoordinator : RunRole::kWorker);
  }
}

TEST(RunRank, AJobNoRankCanBuildStopsEveryRankAlike) {
  LaunchFolder dir;
  // Parses (header fields are fine) but names a symbol the var job cannot price: no rank builds it.
  const auto spec = dir.write("bad_var.yaml", "job: var\nname: v\ndata: {file: '" + dir.store().string() +
                                                  "', symbols: all}\nportfolio:\n  positions:\n"
                                                  "    - {symbol: NOPE, quantity: 1}\n"
                                                  "model: {window: 250}\nconfidence: [0.99]\nscenarios: 1000\n"
                                                  "batch: 500\nseed: 1\noutput: '" +
                                                  dir.path("v.h5").string() + "'\n");
  const auto outcomes = run_world(2, options_for(spec));
  ASSERT_TRUE(outcomes[0].failure);
  ASSERT_TRUE(outcomes[1].failure);
  EXPECT_EQ(outcomes[0].failure->kind, outcomes[1].failure->kind);
  EXPECT_EQ(outcomes[0].failure->message, outcomes[1].failure->message);
  EXPECT_NE(outcomes[0].failure->message.find("NOPE"), std::string::npos) << outcomes[0].failure->message;
  EXPECT_FALSE(fs::exists(dir.path("v.h5")));
}

//! The sweep with one task per chunk over `ranks` (1: one process) and workers holding `depth`
//! chunks at once: the run file's datasets are those of the serial loop whatever the pipeline.
class PipelineDepths : public ::testing::TestWithParam<std::tuple<int, std::size_t>> {};

TEST_P(PipelineDepths, SweepEqualsTheSerialLoop) {
  const auto [ranks, depth] = GetParam();
  LaunchFolder dir;
  const auto spec = dir.sweep_spec("out.h5");
  const auto reference = testing::serial_digest(spec, dir.path("serial.h5"));
  auto options = options_for(spec);
  options.chunk = 1;
  options.pipeline_depth = depth;
  if (ranks == 1) {
    EXPECT_EQ(run_single_process(options).summary.failed_count, 0u);
  } else {
    const auto outcomes = run_world(ranks, options);
    EXPECT_EQ(outcomes[0].summary.failed_count, 0u);
  }
  EXPECT_EQ(results::RunReader::open(dir.path("out.h5"))->datasets_digest(), reference);
}

INSTANTIATE_TEST_SUITE_P(RanksAndDepths, PipelineDepths,
                         ::testing::Combine(::testing::Values(1, 2, 3), ::testing::Values(1u, 2u, 3u)));

}  // namespace
}  // namespace qg::coordinator
