// The events PUB socket, end to end in-process: a subscriber sees the promotion, its
// activation at the first bar, then bar/signal (and order/fill) for every replayed bar.
#include <gtest/gtest.h>

#include <algorithm>
#include <zmq_addon.hpp>

#include "qg/live/feed_replayer.hpp"
#include "server_fixture.hpp"

namespace qg::live {
namespace {

using namespace testing;

TEST(Events, SubscriberSeesTheSequence) {
  TempDir dir;
  Keys keys(dir.path());
  ServerThread node(make_config(dir.path(), keys));
  zmq::context_t ctx;
  zmq::socket_t sub(ctx, zmq::socket_type::sub);
  sub.set(zmq::sockopt::linger, 0);
  sub.set(zmq::sockopt::rcvtimeo, 5000);
  sub.set(zmq::sockopt::subscribe, "");
  sub.connect(node.server().events_endpoint());
  std::vector<zmq::message_t> msg;
  // Slow joiner: nothing counts until the first heartbeat has arrived.
  do {
    msg.clear();
    ASSERT_TRUE(zmq::recv_multipart(sub, std::back_inserter(msg)));
  } while (msg[0].to_string() != "heartbeat");

  const auto client = node.client(keys.approver_curve, keys.node_curve.public_z85);
  ASSERT_TRUE(
      control_request(client, {{"op", "promote"}, {"record", signed_record(make_draft(1, 2, 5), keys.approver)}})["ok"]
          .get<bool>());
  const auto bars = make_bars("SYM", 40);
  ReplayOptions options;
  options.endpoint = node.server().feed_endpoint();
  EXPECT_EQ(replay_bars(bars, options).bars, 40);

  std::vector<std::string> types;
  std::vector<nlohmann::json> bodies;
  int signals = 0;
  while (signals < 40) {
    msg.clear();
    ASSERT_TRUE(zmq::recv_multipart(sub, std::back_inserter(msg))) << "events stopped after " << signals << " signals";
    if (msg[0].to_string() == "heartbeat") continue;
    types.push_back(msg[0].to_string());
    bodies.push_back(nlohmann::json::parse(msg[1].to_string()));
    signals += types.back() == "signal";
  }
  ASSERT_GE(types.size(), 3u);
  EXPECT_EQ(types[0], "deployment");
  EXPECT_EQ(bodies[0]["status"], "accepted");
  EXPECT_EQ(types[1], "deployment");
  EXPECT_EQ(bodies[1]["status"], "active");
  EXPECT_EQ(bodies[1]["first_bar"]["date"], bars[0].date);
  // Then per bar: bar, signal, and order + fill when the position changes.
  std::size_t bar = 0;
  for (std::size_t i = 2; i < types.size(); ++i) {
    if (types[i] == "bar") {
      EXPECT_EQ(bodies[i]["date"], bars[bar].date);
      ASSERT_EQ(types[i + 1], "signal");
      if (i + 2 < types.size() && types[i + 2] == "order") {
        EXPECT_EQ(types[i + 3], "fill");
      }
      ++bar;
    }
  }
  EXPECT_EQ(bar, bars.size());
  EXPECT_GT(std::count(types.begin(), types.end(), "order"), 0);
}

}  // namespace
}  // namespace qg::live
