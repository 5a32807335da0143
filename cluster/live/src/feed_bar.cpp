#include "qg/live/feed_bar.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

#include "qg/core/error.hpp"

namespace qg::live {
namespace {

double price(const nlohmann::json& obj, const char* key) {
  const auto it = obj.find(key);
  if (it == obj.end() || !it->is_number()) throw DataError(std::string("field '") + key + "' missing or not a number");
  const double v = it->get<double>();
  if (!std::isfinite(v) || v <= 0) throw DataError(std::string("field '") + key + "' must be finite and > 0");
  return v;
}

}  // namespace

std::string encode_bar(const FeedBar& bar) {
  const nlohmann::json j = {{"symbol", bar.symbol}, {"date", bar.date},   {"open", bar.open},    {"high", bar.high},
                            {"low", bar.low},       {"close", bar.close}, {"volume", bar.volume}};
  return j.dump();
}

FeedBar decode_bar(const std::vector<std::string>& frames) {
  if (frames.size() != 2) throw DataError("expected 2 frames [symbol, bar JSON], got " + std::to_string(frames.size()));
  const nlohmann::json j = nlohmann::json::parse(frames[1], nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw DataError("bar frame is not a JSON object");
  FeedBar bar;
  if (!j.contains("symbol") || !j["symbol"].is_string()) throw DataError("field 'symbol' missing or not a string");
  bar.symbol = j["symbol"].get<std::string>();
  if (bar.symbol.empty() || bar.symbol != frames[0]) throw DataError("symbol does not match the topic frame");
  if (!j.contains("date") || !j["date"].is_number_integer()) throw DataError("field 'date' missing or not an integer");
  const std::int64_t date = j["date"].get<std::int64_t>();
  const std::int64_t month = date / 100 % 100, day = date % 100;
  if (date < 19000101 || date > 99991231 || month < 1 || month > 12 || day < 1 || day > 31)
    throw DataError("field 'date' is not a YYYYMMDD date");
  bar.date = static_cast<std::int32_t>(date);
  bar.open = price(j, "open");
  bar.high = price(j, "high");
  bar.low = price(j, "low");
  bar.close = price(j, "close");
  if (j.contains("volume")) {
    if (!j["volume"].is_number() || !std::isfinite(j["volume"].get<double>()) || j["volume"].get<double>() < 0)
      throw DataError("field 'volume' must be a finite number >= 0");
    bar.volume = j["volume"].get<double>();
  }
  if (bar.high < bar.low) throw DataError("high is below low");
  return bar;
}

}  // namespace qg::live
