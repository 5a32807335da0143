#pragma once
// Calendar checks of the dates quantgrid reads (specs, stores, CSV, the command line).

namespace qg {

//! True when year-month-day exists in the proleptic Gregorian calendar (std::chrono's
//! year_month_day::ok(): month 1..12, the day within that month, 29 February in leap years).
bool is_calendar_day(int year, int month, int day);

}  // namespace qg
