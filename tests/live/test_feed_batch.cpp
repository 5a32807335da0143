// LiveNode::on_feed_messages (the event loop's batches: one journal write for the bars that
// were waiting) against the reference, on_feed_message called on each message in turn (its
// own path: admission, one journal line, the bar processed): the same events in the same
// order, the same journal and the same books, over a feed that mixes good bars with
// malformed, duplicate and out-of-order ones and a symbol beyond max_symbols, several of them
// inside one batch. And a checkpoint taken inside a batch records only the journal bytes of
// the bars processed so far (lengths summed by hand from encode_bar's lines).
#include <gtest/gtest.h>

#include <algorithm>
#include <span>

#include "live_fixture.hpp"
#include "qg/live/live_node.hpp"

namespace qg::live {
namespace {

using namespace testing;

using Message = std::vector<std::string>;

Message frames_of(const FeedBar& b) { return {b.symbol, encode_bar(b)}; }

//! SYM (deployed) and OTH interleaved, then refusals among good bars: a duplicate and an
//! out-of-order bar right after the bars they repeat, a malformed frame, and symbols X3 (the
//! third and last allowed) and X4 (one too many) arriving together.
std::vector<Message> mixed_feed() {
  const auto sym = make_bars("SYM", 60);
  const auto oth = make_bars("OTH", 60, 1);
  std::vector<Message> feed;
  for (std::size_t i = 0; i < sym.size(); ++i) {
    feed.push_back(frames_of(sym[i]));
    feed.push_back(frames_of(oth[i]));
    if (i == 30) feed.push_back(frames_of(sym[i]));      // duplicate of the bar just before
    if (i == 40) feed.push_back(frames_of(oth[i - 5]));  // out of order
    if (i == 45) feed.push_back({"SYM", "{\"not\": a bar"});
    if (i == 50) {
      FeedBar x3 = oth[i], x4 = oth[i];
      x3.symbol = "X3";
      x4.symbol = "X4";
      feed.push_back(frames_of(x3));
      feed.push_back(frames_of(x4));
    }
  }
  return feed;
}

struct FeedRun {
  std::vector<RecordingSink::Event> events;
  nlohmann::json status;
  std::string journal;
};

//! A node over `dir` promoted with `record`, fed `feed` in batches of the sizes in `batches`
//! taken in turn (empty: one on_feed_message per message, the reference).
FeedRun run_feed(const std::filesystem::path& dir, const Keys& keys, const std::string& record,
                 const std::vector<Message>& feed, const std::vector<std::size_t>& batches) {
  LiveConfig config = make_config(dir, keys);
  config.limits.max_symbols = 3;
  config.limits.checkpoint_bars = 7;
  RecordingSink sink;
  FeedRun run;
  {
    LiveNode node(config, sink);
    EXPECT_TRUE(parse(node.handle_request(promote_request(record), "t"))["ok"].get<bool>());
    std::size_t processed = 0;
    for (std::size_t i = 0, b = 0; i < feed.size(); ++b) {
      const std::size_t n = batches.empty() ? 1 : std::min(batches[b % batches.size()], feed.size() - i);
      processed += batches.empty() ? (node.on_feed_message(feed[i]) ? 1 : 0)
                                   : node.on_feed_messages(std::span<const Message>(feed).subspan(i, n));
      i += n;
    }
    EXPECT_EQ(processed, 60u * 2 + 1);  // every SYM and OTH bar, and X3
    run.status = node.status();
  }
  for (const auto& e : sink.all())
    if (e.type != "deployment" && e.type != "heartbeat") run.events.push_back(e);
  run.journal = read_text(config.state_dir / "bars.jsonl");
  return run;
}

TEST(FeedBatch, BatchesMatchOneMessageAtATime) {
  TempDir tmp;
  const Keys keys(tmp.path() / "keys");
  const std::string record = signed_record(make_draft(1), keys.approver);
  const auto feed = mixed_feed();
  const FeedRun reference = run_feed(tmp.path() / "one", keys, record, feed, {});
  ASSERT_EQ(reference.status["feed_rejections"].get<std::int64_t>(), 4);  // duplicate, out of order, malformed, X4
  for (const std::vector<std::size_t>& sizes : {std::vector<std::size_t>{8}, {3, 1, 5, 2, 8, 7}, {64}}) {
    const FeedRun batched = run_feed(tmp.path() / ("batch" + std::to_string(sizes[0]) + std::to_string(sizes.size())),
                                     keys, record, feed, sizes);
    ASSERT_EQ(batched.events.size(), reference.events.size());
    for (std::size_t i = 0; i < reference.events.size(); ++i) {
      EXPECT_EQ(batched.events[i].type, reference.events[i].type) << i;
      EXPECT_EQ(batched.events[i].body, reference.events[i].body) << i;
    }
    EXPECT_EQ(batched.journal, reference.journal);
    for (const char* key : {"positions", "pnl", "equity", "bars", "feed_rejections"})
      EXPECT_EQ(batched.status[key], reference.status[key]) << key;
  }
}

//! Reads state.json at every "bar" event: the checkpoint taken after the bar before.
class CheckpointProbe final : public EventSink {
 public:
  explicit CheckpointProbe(std::filesystem::path state) : state_(std::move(state)) {}
  void publish(const std::string& type, const nlohmann::json&) noexcept override {
    if (type == "bar") seen.push_back(nlohmann::json::parse(read_text(state_))["journal_bytes"].get<std::int64_t>());
  }
  std::vector<std::int64_t> seen;

 private:
  std::filesystem::path state_;
};

TEST(FeedBatch, ACheckpointInsideABatchRecordsTheBarsProcessedSoFar) {
  TempDir tmp;
  const Keys keys(tmp.path() / "keys");
  LiveConfig config = make_config(tmp.path(), keys);
  config.limits.checkpoint_bars = 1;  // a checkpoint after every bar
  const auto bars = make_bars("SYM", 4);
  std::vector<Message> batch;
  for (const FeedBar& b : bars) batch.push_back(frames_of(b));
  CheckpointProbe probe(config.state_dir / "state.json");
  LiveNode node(config, probe);
  ASSERT_EQ(node.on_feed_messages(batch), 4u);
  // By hand: before bar k the checkpoint covers the journal lines of bars 0..k-1.
  std::vector<std::int64_t> expected;
  std::int64_t bytes = 0;
  for (const FeedBar& b : bars) {
    expected.push_back(bytes);
    bytes += static_cast<std::int64_t>(encode_bar(b).size()) + 1;
  }
  EXPECT_EQ(probe.seen, expected);
  EXPECT_EQ(static_cast<std::int64_t>(read_text(config.state_dir / "bars.jsonl").size()), bytes);
}

}  // namespace
}  // namespace qg::live
