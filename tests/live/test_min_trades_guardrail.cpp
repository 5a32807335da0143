// guardrails.min_trades: unset, any trade count passes (configs written before it keep their
// meaning); set, a record whose evidence lacks `trades` or has fewer is refused with
// "guardrail", the bound itself passes; the config reads it with located errors.
#include <gtest/gtest.h>

#include "live_fixture.hpp"
#include "qg/core/error.hpp"
#include "qg/core/time.hpp"
#include "qg/live/authorizer.hpp"

namespace qg::live {
namespace {

using namespace testing;

struct MinTrades : ::testing::Test {
  MinTrades() : keys(dir.path()), config(make_config(dir.path(), keys)) {}

  Decision<Deployment> check(const ApprovalDraft& d) const {
    const Authorizer auth(config);
    return auth.check_promotion(nlohmann::json::parse(promote_request(signed_record(d, keys.approver))), 0, now_unix());
  }
  //! A draft whose evidence says `trades` round trips (none: no trades metric).
  static ApprovalDraft with_trades(std::optional<double> trades) {
    ApprovalDraft d = make_draft(3);
    if (trades) d.metrics.emplace_back("trades", *trades);
    return d;
  }

  TempDir dir;
  Keys keys;
  LiveConfig config;
};

TEST_F(MinTrades, UnsetAcceptsAnyCount) {
  EXPECT_TRUE(check(with_trades(std::nullopt)).accepted());
  EXPECT_TRUE(check(with_trades(1.0)).accepted());
}

TEST_F(MinTrades, SetRefusesMissingAndFewer) {
  config.guardrails.min_trades = 20.0;
  const auto missing = check(with_trades(std::nullopt));
  ASSERT_FALSE(missing.accepted());
  EXPECT_EQ(missing.refusal().code, "guardrail");
  EXPECT_EQ(missing.refusal().reason, "evidence lacks metric trades (guardrails.min_trades is set)");
  const auto one = check(with_trades(1.0));  // the buy-and-hold-in-disguise row of issue 12
  ASSERT_FALSE(one.accepted());
  EXPECT_EQ(one.refusal().code, "guardrail");
  EXPECT_EQ(one.refusal().reason, "trades 1.000000 is below guardrails.min_trades 20.000000");
  EXPECT_TRUE(check(with_trades(20.0)).accepted());  // the bound itself passes (>=)
  EXPECT_TRUE(check(with_trades(57.0)).accepted());
}

struct MinTradesConfig : ::testing::Test {
  LiveConfig load(const std::string& guardrails) {
    write_text(path, "node:\n  server_key: keys/live\nguardrails:\n" + guardrails);
    return load_live_config(path);
  }
  TempDir dir;
  std::filesystem::path path = dir.path() / "node.yaml";
};

TEST_F(MinTradesConfig, ReadsItOrLeavesItUnset) {
  EXPECT_FALSE(load("  min_sharpe: 0.5\n").guardrails.min_trades.has_value());
  const LiveConfig c = load("  min_trades: 20\n");
  ASSERT_TRUE(c.guardrails.min_trades.has_value());
  EXPECT_EQ(*c.guardrails.min_trades, 20.0);
}

TEST_F(MinTradesConfig, NegativeOrTextIsAnErrorWithItsLine) {
  const std::string file = path.string();
  try {
    load("  min_sharpe: 0\n  min_trades: -1\n");
    FAIL() << "a negative min_trades was accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), file + ":5: guardrails.min_trades must be >= 0 (leave it out to not check it)");
  }
  EXPECT_THROW(load("  min_trades: many\n"), ConfigError);
}

}  // namespace
}  // namespace qg::live
