// ISO-8601 UTC formatting and parsing. Expected Unix times from Python's calendar.timegm.
#include <gtest/gtest.h>

#include "qg/core/time.hpp"

namespace qg {
namespace {

TEST(Time, FormatsUnixSecondsAsIsoUtc) {
  EXPECT_EQ(iso_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(iso_utc(1795320007), "2026-11-22T04:00:07Z");  // calendar.timegm((2026,11,22,4,0,7))
  EXPECT_EQ(iso_utc(951868799), "2000-02-29T23:59:59Z");   // a leap day
}

TEST(Time, ParsesWhatItFormats) {
  EXPECT_EQ(parse_iso_utc("2026-11-22T04:00:07Z"), 1795320007);
  EXPECT_EQ(parse_iso_utc("2000-02-29T23:59:59Z"), 951868799);
  EXPECT_FALSE(parse_iso_utc("2026-02-30T00:00:00Z"));  // no such day
  EXPECT_FALSE(parse_iso_utc("2026-11-22 04:00:07Z"));
  EXPECT_FALSE(parse_iso_utc("2026-11-22T04:00:07"));
  EXPECT_EQ(utc_now().size(), 20u);
}

}  // namespace
}  // namespace qg
