#pragma once
// One bar on the feed: a two-frame ZeroMQ message [SYMBOL, JSON], the JSON being
// {"symbol","date","open","high","low","close","volume"} (numbers round-trip exactly).
#include <cstdint>
#include <string>
#include <vector>

namespace qg::live {

struct FeedBar {
  std::string symbol;
  std::int32_t date = 0;  // YYYYMMDD
  double open = 0, high = 0, low = 0, close = 0, volume = 0;
};

//! The JSON frame of a bar.
std::string encode_bar(const FeedBar& bar);
//! Decodes [SYMBOL, JSON]; DataError says what is wrong (frame count, JSON, field, value).
FeedBar decode_bar(const std::vector<std::string>& frames);

}  // namespace qg::live
