// The feed bar frame: encode_bar's output reads back bit for bit, and decode_bar gives the
// same bar, or the same refusal, as a general JSON parse (nlohmann's, the reference) whatever
// the layout of the frame.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "live_fixture.hpp"
#include "qg/core/error.hpp"
#include "qg/live/feed_bar.hpp"

namespace qg::live {
namespace {

using namespace testing;

void expect_same_bar(const FeedBar& a, const FeedBar& b) {
  EXPECT_EQ(a.symbol, b.symbol);
  EXPECT_EQ(a.date, b.date);
  EXPECT_EQ(a.open, b.open);
  EXPECT_EQ(a.high, b.high);
  EXPECT_EQ(a.low, b.low);
  EXPECT_EQ(a.close, b.close);
  EXPECT_EQ(a.volume, b.volume);
}

//! The bar as a JSON document laid out differently (indented, members in another order).
std::string as_document(const FeedBar& b) {
  nlohmann::ordered_json j;
  j["volume"] = b.volume;
  j["symbol"] = b.symbol;
  j["open"] = b.open;
  j["low"] = b.low;
  j["high"] = b.high;
  j["date"] = b.date;
  j["close"] = b.close;
  return j.dump(1);
}

std::string refusal(const std::vector<std::string>& frames) {
  try {
    decode_bar(frames);
  } catch (const DataError& e) {
    return e.what();
  }
  return "accepted";
}

TEST(FeedBar, EncodedNumbersReadBackExactly) {
  const double awkward[] = {0.1 + 0.2,
                            1e-300,
                            std::numeric_limits<double>::denorm_min(),
                            1e300,
                            100.0,
                            123456.789,
                            std::nextafter(1.0, 2.0),
                            7.0e22,
                            1.0 / 3.0};
  for (const double v : awkward) {
    const FeedBar bar{"SYM", 20240102, v, v, v, v, v};
    const std::string text = encode_bar(bar);
    expect_same_bar(decode_bar({"SYM", text}), bar);
    // The reference parser reads the same numbers from the same text.
    const auto j = nlohmann::json::parse(text);
    EXPECT_EQ(j["close"].get<double>(), v) << text;
    EXPECT_EQ(j["date"].get<std::int64_t>(), 20240102) << text;
  }
}

TEST(FeedBar, SameBarWhateverTheLayout) {
  for (const FeedBar& bar : make_bars("SYM", 300)) {
    const FeedBar canonical = decode_bar({"SYM", encode_bar(bar)});
    expect_same_bar(canonical, bar);
    expect_same_bar(decode_bar({"SYM", as_document(bar)}), bar);
  }
  // No volume, an escaped symbol: the general reader.
  const FeedBar no_volume =
      decode_bar({"SYM", R"({"symbol":"SYM","date":20200101,"open":1,"high":2,"low":1,"close":1.5})"});
  EXPECT_EQ(no_volume.volume, 0.0);
  EXPECT_EQ(no_volume.close, 1.5);
  const FeedBar quoted{"A\"B", 20200101, 1, 2, 1, 1.5, 3};
  expect_same_bar(decode_bar({"A\"B", encode_bar(quoted)}), quoted);
}

TEST(FeedBar, NonJsonNumbersAndBadFieldsAreRefusedAsBefore) {
  // Written like encode_bar's frames, but each breaks one rule; the messages are the general
  // reader's.
  const std::string head = R"({"close":1.5,"date":)";
  const std::string tail = R"(,"high":2,"low":1,"open":1,"symbol":"SYM","volume":3})";
  EXPECT_EQ(refusal({"SYM", head + "20200101.0" + tail}), "field 'date' missing or not an integer");
  EXPECT_EQ(refusal({"SYM", head + "20201301" + tail}), "field 'date' is not a YYYYMMDD date");
  EXPECT_EQ(refusal({"SYM", R"({"close":01.5,"date":20200101)" + tail}), "bar frame is not a JSON object");
  EXPECT_EQ(refusal({"SYM", R"({"close":1.,"date":20200101)" + tail}), "bar frame is not a JSON object");
  EXPECT_EQ(refusal({"SYM", R"({"close":inf,"date":20200101)" + tail}), "bar frame is not a JSON object");
  EXPECT_EQ(refusal({"SYM", R"({"close":-1,"date":20200101)" + tail}), "field 'close' must be finite and > 0");
  EXPECT_EQ(refusal({"OTHER", head + "20200101" + tail}), "symbol does not match the topic frame");
  EXPECT_EQ(refusal({"SYM", R"({"close":1.5,"date":20200101,"high":1,"low":2,"open":1,"symbol":"SYM","volume":3})"}),
            "high is below low");
  EXPECT_EQ(refusal({"SYM", head + "20200101" + tail + " x"}), "bar frame is not a JSON object");
  EXPECT_EQ(refusal({"SYM", head + "20200101" + tail}), "accepted");
}

}  // namespace
}  // namespace qg::live
