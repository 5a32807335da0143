// CURVE on the control endpoint: the allow-listed client key gets replies; a client key that
// is not allowed, or a wrong server key, ends in a clear error within the timeout, never a hang.
#include <gtest/gtest.h>

#include <chrono>

#include "qg/core/error.hpp"
#include "server_fixture.hpp"

namespace qg::live {
namespace {

using namespace testing;
using Clock = std::chrono::steady_clock;

class CurveAuth : public ::testing::Test {
 protected:
  CurveAuth() : keys_(dir_.path()), node_(make_config(dir_.path(), keys_)) {}
  TempDir dir_;
  Keys keys_;
  ServerThread node_;
};

TEST_F(CurveAuth, AllowedClientGetsAReply) {
  const auto reply =
      control_request(node_.client(keys_.approver_curve, keys_.node_curve.public_z85), {{"op", "status"}});
  EXPECT_TRUE(reply["ok"].get<bool>());
  EXPECT_EQ(reply["status"]["bars"], 0);
}

TEST_F(CurveAuth, ClientKeyNotAllowedIsRefusedWithoutHanging) {
  const auto start = Clock::now();
  try {
    control_request(node_.client(keys_.stranger_curve, keys_.node_curve.public_z85, 3.0), {{"op", "status"}});
    FAIL() << "a client with an unknown key got a reply";
  } catch (const ClusterError& e) {
    const std::string what = e.what();
    EXPECT_TRUE(what.find("refused this client's CURVE key") != std::string::npos ||
                what.find("no reply") != std::string::npos)
        << what;
  }
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 4.5);
}

TEST_F(CurveAuth, WrongServerKeyTimesOutWithAClearMessage) {
  const auto start = Clock::now();
  try {
    control_request(node_.client(keys_.approver_curve, keys_.stranger_curve.public_z85, 1.0), {{"op", "status"}});
    FAIL() << "a reply through the wrong server key";
  } catch (const ClusterError& e) {
    EXPECT_NE(std::string(e.what()).find("no reply from"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("wrong server key"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 2.5);
  // The node is unaffected.
  EXPECT_TRUE(control_request(node_.client(keys_.approver_curve, keys_.node_curve.public_z85), {{"op", "status"}})["ok"]
                  .get<bool>());
}

TEST_F(CurveAuth, NodeDownTimesOut) {
  ClientOptions o{"tcp://127.0.0.1:1", keys_.node_curve.public_z85, keys_.approver_curve, 0.5};
  EXPECT_THROW(control_request(o, {{"op", "status"}}), ClusterError);
}

TEST_F(CurveAuth, PromotionOverTheWire) {
  const auto client = node_.client(keys_.approver_curve, keys_.node_curve.public_z85);
  const auto reply =
      control_request(client, {{"op", "promote"}, {"record", signed_record(make_draft(4), keys_.approver)}});
  EXPECT_TRUE(reply["ok"].get<bool>()) << reply.dump();
  const auto status = control_request(client, {{"op", "status"}});
  EXPECT_EQ(status["status"]["target"]["version"], 4);
  EXPECT_TRUE(status["status"]["pending"].get<bool>());
}

}  // namespace
}  // namespace qg::live
