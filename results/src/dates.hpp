#pragma once
// YYYYMMDD integer dates as stored, parsed from and printed as ISO text.
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "qg/core/calendar.hpp"

namespace qg::results {

//! "2024-01-31" for 20240131.
inline std::string format_date(std::int32_t date) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", date / 10000, date / 100 % 100, date % 100);
  return text;
}

//! YYYYMMDD from "YYYY-MM-DD" or "YYYYMMDD"; nullopt for anything else or a day that does not exist.
inline std::optional<std::int32_t> parse_date(std::string_view text) {
  std::string digits;
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    digits = std::string(text.substr(0, 4)) + std::string(text.substr(5, 2)) + std::string(text.substr(8, 2));
  } else if (text.size() == 8) {
    digits = std::string(text);
  } else {
    return std::nullopt;
  }
  for (char c : digits)
    if (c < '0' || c > '9') return std::nullopt;
  const int year = std::stoi(digits.substr(0, 4));
  const int month = std::stoi(digits.substr(4, 2));
  const int day = std::stoi(digits.substr(6, 2));
  if (year < 1 || !is_calendar_day(year, month, day)) return std::nullopt;
  return year * 10000 + month * 100 + day;
}

}  // namespace qg::results
