// Malformed, truncated and random bytes on every socket: the node refuses each with a reason
// and keeps answering status.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>
#include <zmq_addon.hpp>

#include "qg/live/live_node.hpp"
#include "qg/core/error.hpp"
#include "server_fixture.hpp"

namespace qg::live {
namespace {

using namespace testing;

std::string random_bytes(std::mt19937& rng, std::size_t n) {
  std::uniform_int_distribution<int> byte(0, 255);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(byte(rng));
  return s;
}

//! Writes bytes straight onto a TCP port (no ZMTP handshake at all).
void raw_tcp(const std::string& endpoint, const std::string& bytes) {
  const int port = std::stoi(endpoint.substr(endpoint.rfind(':') + 1));
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    [[maybe_unused]] const auto n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  }
  ::close(fd);
}

class MalformedInput : public ::testing::Test {
 protected:
  MalformedInput() : keys_(dir_.path()), config_(small_limits(make_config(dir_.path(), keys_))), node_(config_) {}
  static LiveConfig small_limits(LiveConfig c) {
    c.limits.max_message_bytes = 4096;
    return c;
  }
  ClientOptions client(double timeout = 5.0) {
    return node_.client(keys_.approver_curve, keys_.node_curve.public_z85, timeout);
  }
  nlohmann::json status() { return control_request(client(), {{"op", "status"}})["status"]; }

  TempDir dir_;
  Keys keys_;
  LiveConfig config_;
  ServerThread node_;
  std::mt19937 rng_{12345};
};

TEST_F(MalformedInput, RandomBytesOnControlAreRefused) {
  for (int i = 0; i < 40; ++i) {
    const std::string bytes = random_bytes(rng_, 1 + static_cast<std::size_t>(i) * 50);
    const auto reply = nlohmann::json::parse(control_request_raw(client(), bytes));
    EXPECT_FALSE(reply["ok"].get<bool>());
    EXPECT_EQ(reply["code"], "bad_request");
  }
  for (const char* text : {"", "{", R"({"op":)", R"({"op":"promote","record":"{\"version\":1)", "null", "\"status\""}) {
    const auto reply = nlohmann::json::parse(control_request_raw(client(), text));
    EXPECT_EQ(reply["code"], "bad_request") << text;
  }
  EXPECT_EQ(status()["control_rejections"], 46);
}

TEST_F(MalformedInput, EnvelopeWithoutDelimiterGetsAnError) {
  zmq::context_t ctx;
  zmq::socket_t dealer(ctx, zmq::socket_type::dealer);
  dealer.set(zmq::sockopt::linger, 0);
  dealer.set(zmq::sockopt::rcvtimeo, 5000);
  dealer.set(zmq::sockopt::curve_serverkey, keys_.node_curve.public_z85);
  dealer.set(zmq::sockopt::curve_publickey, keys_.approver_curve.public_z85);
  dealer.set(zmq::sockopt::curve_secretkey, keys_.approver_curve.secret_z85);
  dealer.connect(node_.server().control_endpoint());
  std::array<zmq::const_buffer, 3> frames{zmq::str_buffer("junk"), zmq::str_buffer("more"), zmq::str_buffer("x")};
  zmq::send_multipart(dealer, frames);
  std::vector<zmq::message_t> reply;
  ASSERT_TRUE(zmq::recv_multipart(dealer, std::back_inserter(reply)));
  ASSERT_EQ(reply.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(reply[1].to_string())["code"], "bad_request");
  EXPECT_EQ(status()["bars"], 0);
}

TEST_F(MalformedInput, OversizeControlMessageDoesNotHurtTheNode) {
  EXPECT_THROW(control_request_raw(client(1.0), std::string(10000, 'x')), ClusterError);
  EXPECT_EQ(status()["bars"], 0);
}

TEST_F(MalformedInput, RandomBytesOnTheFeedAreRefused) {
  std::vector<std::vector<std::string>> messages;
  for (int i = 0; i < 20; ++i) {
    std::vector<std::string> frames;
    for (int f = 0; f < 1 + i % 3; ++f) frames.push_back(random_bytes(rng_, 1 + static_cast<std::size_t>(i) * 30));
    messages.push_back(frames);
  }
  const FeedBar good = make_bars("SYM", 1)[0];
  const std::string json = encode_bar(good);
  messages.push_back({"SYM", json.substr(0, json.size() / 2)});  // truncated
  messages.push_back({"OTHER", json});                           // topic mismatch
  messages.push_back({"SYM", R"({"symbol":"SYM","date":20200101,"open":1,"high":1,"low":2,"close":1})"});
  messages.push_back({"SYM", R"({"symbol":"SYM","date":20201301,"open":1,"high":1,"low":1,"close":1})"});
  messages.push_back({"SYM", R"({"symbol":"SYM","date":20200101,"open":1,"high":1,"low":1,"close":-1})"});
  messages.push_back({"SYM", json});  // finally a good bar
  publish_raw(node_.server().feed_endpoint(), messages);
  ASSERT_TRUE(wait_until([&] { return status()["bars"] == 1; })) << status().dump();
  EXPECT_EQ(status()["feed_rejections"], 25);
}

TEST_F(MalformedInput, RawTcpGarbageOnEverySocket) {
  for (int i = 0; i < 5; ++i) {
    raw_tcp(node_.server().control_endpoint(), random_bytes(rng_, 300));
    raw_tcp(node_.server().feed_endpoint(), random_bytes(rng_, 300));
    raw_tcp(node_.server().events_endpoint(), random_bytes(rng_, 300));
  }
  raw_tcp(node_.server().control_endpoint(), std::string("\xff\0\0\0\0\0\0\0\x01\x7f", 10) + random_bytes(rng_, 64));
  EXPECT_TRUE(control_request(client(), {{"op", "status"}})["ok"].get<bool>());
}

TEST(MalformedFeedMessage, NodeSaysWhy) {
  TempDir dir;
  Keys keys(dir.path());
  RecordingSink sink;
  LiveNode node(make_config(dir.path(), keys), sink);
  EXPECT_FALSE(node.on_feed_message({}));
  EXPECT_FALSE(node.on_feed_message({"SYM"}));
  EXPECT_FALSE(node.on_feed_message({"SYM", "{}"}));
  EXPECT_FALSE(node.on_feed_message({"SYM", R"({"symbol":"SYM","date":"x"})"}));
  const auto rejections = sink.of("rejection");
  ASSERT_EQ(rejections.size(), 4u);
  for (const auto& r : rejections) {
    EXPECT_EQ(r.body["source"], "feed");
    EXPECT_EQ(r.body["code"], "malformed_bar");
    EXPECT_FALSE(r.body["reason"].get<std::string>().empty());
  }
  EXPECT_EQ(node.status()["bars"], 0);
}

}  // namespace
}  // namespace qg::live
