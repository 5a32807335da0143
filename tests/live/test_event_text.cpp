// EventText writes an event body without a JSON document: its bytes must be exactly those of
// nlohmann::json's dump() of the same object (the reference: what the node published before),
// for every kind of value the per-bar events carry.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>
#include <nlohmann/json.hpp>

#include "qg/live/event_text.hpp"

namespace {

using qg::live::EventText;

TEST(EventText, NumbersAreWrittenAsDumpWritesThem) {
  const double values[] = {
      0.0,  -0.0, 1.0,  -1.0,    0.5,    1e-5,      1e-4,    123456789.0, 1e15,     1e16,
      1e17, 1e21, 1e22, 1.5e300, 5e-324, 0.1 + 0.2, 100.125, -3e-7,       19000101, std::numeric_limits<double>::max()};
  for (const double v : values) {
    const nlohmann::json reference = {{"x", v}};
    EXPECT_EQ(EventText().number("x", v).take(), reference.dump()) << v;
  }
}

TEST(EventText, NonFiniteNumbersAreNullAsInDump) {
  for (const double v :
       {std::nan(""), std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()}) {
    const nlohmann::json reference = {{"x", v}};
    EXPECT_EQ(EventText().number("x", v).take(), reference.dump());
    EXPECT_EQ(EventText().number("x", v).take(), R"({"x":null})");  // by hand
  }
}

TEST(EventText, IntegersAndTextAreWrittenAsDumpWritesThem) {
  for (const std::int64_t v : {std::int64_t{0}, std::int64_t{-7}, std::int64_t{19000101},
                               std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()}) {
    const nlohmann::json reference = {{"n", v}};
    EXPECT_EQ(EventText().integer("n", v).take(), reference.dump()) << v;
  }
  for (const std::string& s : std::vector<std::string>{"SYM", "", "a\"b", "back\\slash", "tab\there", "nl\n",
                                                       std::string("\x01", 1), "caf\xc3\xa9", "~ \x7f"}) {
    const nlohmann::json reference = {{"s", s}};
    EXPECT_EQ(EventText().text("s", s).take(), reference.dump()) << s;
  }
}

TEST(EventText, ABarEventMatchesTheDocumentItReplaces) {
  const nlohmann::json reference = {{"symbol", "SYM"}, {"date", 19000101}, {"close", 101.25}, {"held", -1.0},
                                    {"net", -0.0123},  {"pnl", 0.5},       {"equity", 1.5}};
  const std::string text = EventText()
                               .number("close", 101.25)
                               .integer("date", 19000101)
                               .number("equity", 1.5)
                               .number("held", -1.0)
                               .number("net", -0.0123)
                               .number("pnl", 0.5)
                               .text("symbol", "SYM")
                               .take();
  EXPECT_EQ(text, reference.dump());
  EXPECT_EQ(nlohmann::json::parse(text), reference);
}

TEST(EventText, TakeEmptiesTheBuilder) {
  EventText t;
  EXPECT_EQ(t.take(), "{}");
  t.integer("a", 1);
  EXPECT_EQ(t.take(), R"({"a":1})");
  EXPECT_EQ(t.integer("b", 2).take(), R"({"b":2})");
}

}  // namespace
