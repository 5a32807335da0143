// is_calendar_day against the Gregorian rules worked by hand: 30 days hath September, April,
// June and November; February has 29 days in years divisible by 4, except centuries not
// divisible by 400.
#include <gtest/gtest.h>

#include "qg/core/calendar.hpp"

namespace qg {
namespace {

TEST(Calendar, MonthLengths) {
  const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int m = 1; m <= 12; ++m) {
    EXPECT_TRUE(is_calendar_day(2023, m, days[m - 1])) << m;
    EXPECT_FALSE(is_calendar_day(2023, m, days[m - 1] + 1)) << m;
    EXPECT_FALSE(is_calendar_day(2023, m, 0)) << m;
  }
}

TEST(Calendar, LeapYears) {
  EXPECT_TRUE(is_calendar_day(2024, 2, 29));
  EXPECT_TRUE(is_calendar_day(2000, 2, 29));   // divisible by 400
  EXPECT_FALSE(is_calendar_day(1900, 2, 29));  // a century not divisible by 400
  EXPECT_FALSE(is_calendar_day(2023, 2, 29));
}

TEST(Calendar, RejectsMonthsAndDaysOutOfRange) {
  EXPECT_FALSE(is_calendar_day(2024, 0, 1));
  EXPECT_FALSE(is_calendar_day(2024, 13, 1));
  EXPECT_FALSE(is_calendar_day(2024, -1, 1));
  EXPECT_FALSE(is_calendar_day(2024, 1, 32));
  EXPECT_FALSE(is_calendar_day(2024, 1, -5));
}

}  // namespace
}  // namespace qg
