#include "qg/core/calendar.hpp"

#include <chrono>

namespace qg {

bool is_calendar_day(int year, int month, int day) {
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;  // the casts below need these ranges
  const std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  return ymd.ok();
}

}  // namespace qg
