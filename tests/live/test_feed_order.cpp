// Duplicate and out-of-order bars are refused per symbol and change nothing.
#include <gtest/gtest.h>

#include "live_fixture.hpp"
#include "qg/live/live_node.hpp"

namespace qg::live {
namespace {

using namespace testing;

TEST(FeedOrder, DuplicateAndOutOfOrderBarsAreRefused) {
  TempDir dir;
  Keys keys(dir.path());
  RecordingSink sink;
  LiveNode node(make_config(dir.path(), keys), sink);
  ASSERT_TRUE(promote_sma(node, keys, 1, 2, 5));
  const auto bars = make_bars("SYM", 30);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(node.on_bar(bars[static_cast<std::size_t>(i)]));
  const auto before = node.status();
  const std::size_t signals = sink.of("signal").size();

  EXPECT_FALSE(node.on_bar(bars[19]));  // duplicate
  EXPECT_FALSE(node.on_bar(bars[5]));   // older
  FeedBar changed = bars[19];
  changed.close *= 1.5;  // same date, other price: still a duplicate
  EXPECT_FALSE(node.on_bar(changed));

  const auto after = node.status();
  EXPECT_EQ(after["bars"], before["bars"]);
  EXPECT_EQ(after["pnl"], before["pnl"]);
  EXPECT_EQ(after["positions"], before["positions"]);
  EXPECT_EQ(sink.of("signal").size(), signals);
  const auto rejections = sink.of("rejection");
  ASSERT_EQ(rejections.size(), 3u);
  EXPECT_EQ(rejections[0].body["code"], "duplicate_bar");
  EXPECT_EQ(rejections[1].body["code"], "out_of_order_bar");
  EXPECT_EQ(rejections[2].body["code"], "duplicate_bar");
  EXPECT_EQ(after["feed_rejections"], 3);

  // Other symbols keep their own order; the stream goes on.
  EXPECT_TRUE(node.on_bar(make_bars("OTHER", 1)[0]));
  EXPECT_TRUE(node.on_bar(bars[20]));
  EXPECT_EQ(node.status()["bars"], 22);
}

}  // namespace
}  // namespace qg::live
