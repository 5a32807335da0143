#pragma once
// Wall-clock time as the run files, approval records and audit logs write it: ISO-8601 UTC
// with a trailing Z, second resolution.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace qg {

//! Unix seconds as ISO-8601 UTC ("2026-11-22T04:00:07Z"), and back (nullopt when malformed).
std::string iso_utc(std::int64_t unix_seconds);
std::optional<std::int64_t> parse_iso_utc(std::string_view text);
//! The current time in Unix seconds / milliseconds, and as ISO-8601 UTC.
std::int64_t now_unix();
std::int64_t now_unix_ms();
std::string utc_now();

}  // namespace qg
