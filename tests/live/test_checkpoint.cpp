// Checkpoints and the bar journal as write-ahead log: state.json is written every
// checkpoint_bars bars (not every bar), and a node killed with SIGKILL between two checkpoints
// replays the journaled bars after the last one on restart, ending with the positions, P&L and
// state of a node that never stopped.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "live_fixture.hpp"
#include "qg/live/audit_log.hpp"
#include "qg/live/bar_journal.hpp"
#include "qg/live/live_node.hpp"
#include "qg/live/state_codec.hpp"

namespace qg::live {
namespace {

using namespace testing;

constexpr std::size_t kKillAfter = 90;  // bars processed before the kill

//! Two symbols interleaved (SYM is deployed, OTH only booked), `n` bars each.
std::vector<FeedBar> two_symbol_feed(std::int64_t n) {
  const auto sym = make_bars("SYM", n);
  const auto oth = make_bars("OTH", n, 1);
  std::vector<FeedBar> feed;
  for (std::size_t i = 0; i < sym.size(); ++i) {
    feed.push_back(sym[i]);
    feed.push_back(oth[i]);
  }
  return feed;
}

LiveConfig checkpoint_config(const std::filesystem::path& dir, const Keys& keys) {
  LiveConfig c = make_config(dir, keys);
  c.limits.checkpoint_bars = 25;
  c.limits.checkpoint_ms = 1000000000;  // only the bar count triggers checkpoints here
  return c;
}

//! In a child process: a node promotes `record`, takes the first `n` bars of `feed`, and is
//! killed with SIGKILL (no destructor, no shutdown checkpoint). Returns the wait status.
int run_and_kill(const LiveConfig& config, const std::string& record, const std::vector<FeedBar>& feed, std::size_t n) {
  const pid_t child = ::fork();
  if (child == 0) {
    RecordingSink sink;
    LiveNode node(config, sink);
    if (!parse(node.handle_request(promote_request(record), "t"))["ok"].get<bool>()) ::_exit(3);
    for (std::size_t i = 0; i < n; ++i)
      if (!node.on_bar(feed[i])) ::_exit(4);
    ::raise(SIGKILL);
    ::_exit(5);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return status;
}

//! state.json without the audit head (its records carry wall-clock times, so it differs).
nlohmann::json comparable_state(const std::filesystem::path& state_dir) {
  nlohmann::json state = nlohmann::json::parse(read_text(state_dir / "state.json"));
  state.erase("audit_head");
  return state;
}

void expect_same_book(const nlohmann::json& a, const nlohmann::json& b) {
  EXPECT_EQ(a["positions"], b["positions"]);
  EXPECT_EQ(a["pnl"], b["pnl"]);
  EXPECT_EQ(a["equity"], b["equity"]);
  EXPECT_EQ(a["day"], b["day"]);
  EXPECT_EQ(a["bars"], b["bars"]);
  EXPECT_EQ(a["active"], b["active"]);
  EXPECT_EQ(a["halted"], b["halted"]);
}

class Checkpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    feed_ = two_symbol_feed(100);
    record_ = signed_record(make_draft(1, 5, 20), keys_.approver);
    killed_config_ = checkpoint_config(dir_a_.path(), keys_);
    reference_config_ = checkpoint_config(dir_b_.path(), keys_);
    reference_ = std::make_unique<LiveNode>(reference_config_, reference_sink_);
    ASSERT_TRUE(parse(reference_->handle_request(promote_request(record_), "t"))["ok"].get<bool>());
    for (std::size_t i = 0; i < kKillAfter; ++i) ASSERT_TRUE(reference_->on_bar(feed_[i]));
  }

  //! Feeds the rest to the restarted node and the reference; their signals, books and (after
  //! both shut down) state files must be identical.
  void expect_continues_like_reference(std::unique_ptr<LiveNode> restarted, RecordingSink& sink) {
    const std::size_t ref_signals_before = reference_sink_.of("signal").size();
    for (std::size_t i = kKillAfter; i < feed_.size(); ++i) {
      ASSERT_TRUE(restarted->on_bar(feed_[i])) << i;
      ASSERT_TRUE(reference_->on_bar(feed_[i])) << i;
    }
    const auto signals = sink.of("signal");
    const auto ref_signals = reference_sink_.of("signal");
    ASSERT_EQ(signals.size(), ref_signals.size() - ref_signals_before);
    for (std::size_t i = 0; i < signals.size(); ++i)
      EXPECT_EQ(signals[i].body, ref_signals[ref_signals_before + i].body) << i;
    expect_same_book(restarted->status(), reference_->status());
    restarted.reset();  // shutdown checkpoints
    reference_.reset();
    EXPECT_EQ(comparable_state(dir_a_ / "state"), comparable_state(dir_b_ / "state"));
    EXPECT_EQ(read_text(dir_a_ / "state" / "bars.jsonl"), read_text(dir_b_ / "state" / "bars.jsonl"));
  }

  TempDir dir_a_, dir_b_;
  Keys keys_{dir_a_.path()};
  std::vector<FeedBar> feed_;
  std::string record_;
  LiveConfig killed_config_, reference_config_;
  RecordingSink reference_sink_;
  std::unique_ptr<LiveNode> reference_;
};

TEST_F(Checkpoint, SigkillBetweenCheckpointsReplaysTheJournal) {
  const int status = run_and_kill(killed_config_, record_, feed_, kKillAfter);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child status " << status;
  // Checkpoints: the first bar activates the deployment (saved, bars = 1), then every 25 bars
  // (26, 51, 76): the kill after bar 90 leaves 14 bars in the journal only.
  const auto state = nlohmann::json::parse(read_text(dir_a_ / "state" / "state.json"));
  EXPECT_EQ(state["bars"], 76);
  EXPECT_LT(state["journal_bytes"].get<std::int64_t>(),
            static_cast<std::int64_t>(std::filesystem::file_size(dir_a_ / "state" / "bars.jsonl")));

  RecordingSink sink;
  auto restarted = std::make_unique<LiveNode>(killed_config_, sink);
  expect_same_book(restarted->status(), reference_->status());
  EXPECT_TRUE(sink.of("signal").empty());  // replayed bars were signalled before the kill
  EXPECT_TRUE(sink.of("bar").empty());
  EXPECT_FALSE(restarted->on_bar(feed_[kKillAfter - 1]));  // replayed: now a duplicate
  // The audit chain reaches the head the restart checkpoint recorded.
  const auto head = StateCodec::audit_head(nlohmann::json::parse(read_text(dir_a_ / "state" / "state.json")));
  EXPECT_TRUE(verify_audit_file(dir_a_ / "state" / "audit.jsonl", head).ok);
  sink.clear();
  expect_continues_like_reference(std::move(restarted), sink);
}

TEST_F(Checkpoint, TornLastJournalLineIsDroppedOnRestart) {
  const int status = run_and_kill(killed_config_, record_, feed_, kKillAfter);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child status " << status;
  // A bar whose write the kill interrupted: no newline, so it was never processed.
  std::ofstream(dir_a_ / "state" / "bars.jsonl", std::ios::app | std::ios::binary) << R"({"close":1.5,"date":2)";

  RecordingSink sink;
  auto restarted = std::make_unique<LiveNode>(killed_config_, sink);
  expect_same_book(restarted->status(), reference_->status());
  expect_continues_like_reference(std::move(restarted), sink);
  EXPECT_EQ(BarJournal(dir_a_ / "state", false).load().size(), feed_.size());  // every line readable again
}

TEST_F(Checkpoint, StateIsNotRewrittenEveryBar) {
  // 24 bars after the activation's checkpoint: no new checkpoint until the 25th.
  TempDir dir;
  RecordingSink sink;
  LiveNode node(checkpoint_config(dir.path(), keys_), sink);
  ASSERT_TRUE(parse(node.handle_request(promote_request(record_), "t"))["ok"].get<bool>());
  for (std::size_t i = 0; i < 25; ++i) ASSERT_TRUE(node.on_bar(feed_[i]));
  EXPECT_EQ(nlohmann::json::parse(read_text(dir / "state" / "state.json"))["bars"], 1);
  ASSERT_TRUE(node.on_bar(feed_[25]));
  EXPECT_EQ(nlohmann::json::parse(read_text(dir / "state" / "state.json"))["bars"], 26);
  node.checkpoint();
  ASSERT_TRUE(node.on_bar(feed_[26]));
  node.checkpoint();
  EXPECT_EQ(nlohmann::json::parse(read_text(dir / "state" / "state.json"))["bars"], 27);
}

}  // namespace
}  // namespace qg::live
