#include "qg/live/feed_bar.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <optional>
#include <string_view>

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

bool valid_date(std::int64_t date) {
  const std::int64_t month = date / 100 % 100, day = date % 100;
  return date >= 19000101 && date <= 99991231 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// ---- the bar frame as encode_bar writes it, read without a JSON document ----

//! What is left of a frame.
struct Cursor {
  const char* p;
  const char* end;
  bool literal(std::string_view s) {
    if (static_cast<std::size_t>(end - p) < s.size() || std::memcmp(p, s.data(), s.size()) != 0) return false;
    p += s.size();
    return true;
  }
};

const char* digits(const char* q, const char* end) {
  while (q < end && *q >= '0' && *q <= '9') ++q;
  return q;
}

//! A JSON number (RFC 8259 grammar, which from_chars alone does not enforce), correctly rounded.
bool json_number(Cursor& c, double& out) {
  const char* q = c.p;
  if (q < c.end && *q == '-') ++q;
  if (q < c.end && *q == '0')
    ++q;
  else if (q < c.end && *q >= '1' && *q <= '9')
    q = digits(q, c.end);
  else
    return false;
  if (q < c.end && *q == '.') {
    const char* fraction = q + 1;
    if ((q = digits(fraction, c.end)) == fraction) return false;
  }
  if (q < c.end && (*q == 'e' || *q == 'E')) {
    if (++q < c.end && (*q == '+' || *q == '-')) ++q;
    const char* exp = q;
    if ((q = digits(q, c.end)) == exp) return false;
  }
  const auto r = std::from_chars(c.p, q, out);
  if (r.ec != std::errc() || r.ptr != q) return false;
  c.p = q;
  return true;
}

//! A date: an unsigned integer without leading zeros.
bool json_date(Cursor& c, std::int64_t& out) {
  const char* q = digits(c.p, c.end);
  if (q == c.p || q - c.p > 10 || *c.p == '0') return false;
  const auto r = std::from_chars(c.p, q, out);
  c.p = q;
  return r.ec == std::errc();
}

//! A string of printable ASCII without escapes (anything else goes the general way).
bool json_plain_text(Cursor& c, std::string& out) {
  if (!c.literal("\"")) return false;
  const char* q = c.p;
  while (q < c.end && *q != '"') {
    if (*q < 0x20 || *q > 0x7e || *q == '\\') return false;
    ++q;
  }
  if (q == c.end) return false;
  out.assign(c.p, q);
  c.p = q + 1;
  return true;
}

bool plausible(const FeedBar& b, const std::string& topic) {
  auto positive = [](double v) { return std::isfinite(v) && v > 0; };
  return !b.symbol.empty() && b.symbol == topic && positive(b.open) && positive(b.high) && positive(b.low) &&
         positive(b.close) && std::isfinite(b.volume) && b.volume >= 0 && b.high >= b.low;
}

//! The bar when `frame` is exactly encode_bar's form and valid; nullopt otherwise (the general
//! decoder then accepts it or says what is wrong).
std::optional<FeedBar> decode_canonical(const std::string& topic, const std::string& frame) {
  Cursor c{frame.data(), frame.data() + frame.size()};
  FeedBar b;
  std::int64_t date = 0;
  const bool read = c.literal(R"({"close":)") && json_number(c, b.close) && c.literal(R"(,"date":)") &&
                    json_date(c, date) && c.literal(R"(,"high":)") && json_number(c, b.high) &&
                    c.literal(R"(,"low":)") && json_number(c, b.low) && c.literal(R"(,"open":)") &&
                    json_number(c, b.open) && c.literal(R"(,"symbol":)") && json_plain_text(c, b.symbol) &&
                    c.literal(R"(,"volume":)") && json_number(c, b.volume) && c.literal("}") && c.p == c.end;
  if (!read || !valid_date(date)) return std::nullopt;
  b.date = static_cast<std::int32_t>(date);
  return plausible(b, topic) ? std::optional<FeedBar>(std::move(b)) : std::nullopt;
}

void append_number(std::string& out, double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest form that reads back exactly
  out.append(buf, r.ptr);
}

bool plain_text(const std::string& s) {
  for (const char ch : s)
    if (ch < 0x20 || ch > 0x7e || ch == '\\' || ch == '"') return false;
  return true;
}

std::string encode_general(const FeedBar& bar) {
  const nlohmann::json j = {{"symbol", bar.symbol}, {"date", bar.date},   {"open", bar.open},    {"high", bar.high},
                            {"low", bar.low},       {"close", bar.close}, {"volume", bar.volume}};
  return j.dump();
}

FeedBar decode_general(const std::vector<std::string>& frames) {
  const nlohmann::json j = nlohmann::json::parse(frames[1], nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw DataError("bar frame is not a JSON object");
  FeedBar bar;
  if (!j.contains("symbol") || !j["symbol"].is_string()) throw DataError("field 'symbol' missing or not a string");
  bar.symbol = j["symbol"].get<std::string>();
  if (bar.symbol.empty() || bar.symbol != frames[0]) throw DataError("symbol does not match the topic frame");
  if (!j.contains("date") || !j["date"].is_number_integer()) throw DataError("field 'date' missing or not an integer");
  const std::int64_t date = j["date"].get<std::int64_t>();
  if (!valid_date(date)) throw DataError("field 'date' is not a YYYYMMDD date");
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

}  // namespace

std::string encode_bar(const FeedBar& bar) {
  const bool finite = std::isfinite(bar.open) && std::isfinite(bar.high) && std::isfinite(bar.low) &&
                      std::isfinite(bar.close) && std::isfinite(bar.volume);
  if (!finite || !plain_text(bar.symbol)) return encode_general(bar);  // null for a non-finite, escapes
  // The same members in the same (sorted) order as the JSON document would give, one pass.
  std::string out;
  out.reserve(96 + bar.symbol.size());
  out += R"({"close":)";
  append_number(out, bar.close);
  out += R"(,"date":)";
  out += std::to_string(bar.date);
  out += R"(,"high":)";
  append_number(out, bar.high);
  out += R"(,"low":)";
  append_number(out, bar.low);
  out += R"(,"open":)";
  append_number(out, bar.open);
  out += R"(,"symbol":")";
  out += bar.symbol;
  out += R"(","volume":)";
  append_number(out, bar.volume);
  out += '}';
  return out;
}

FeedBar decode_bar(const std::vector<std::string>& frames) {
  if (frames.size() != 2) throw DataError("expected 2 frames [symbol, bar JSON], got " + std::to_string(frames.size()));
  if (std::optional<FeedBar> bar = decode_canonical(frames[0], frames[1])) return std::move(*bar);
  return decode_general(frames);
}

}  // namespace qg::live
