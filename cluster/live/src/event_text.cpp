#include "qg/live/event_text.hpp"

#include <array>
#include <charconv>
#include <cmath>

#include <nlohmann/json.hpp>

namespace qg::live {
namespace {

//! Whether dump() writes `s` unchanged between its quotes (printable ASCII, no quote or backslash).
bool plain(std::string_view s) {
  for (const char c : s)
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
  return true;
}

}  // namespace

void EventText::key(std::string_view name) {
  out_.push_back(out_.empty() ? '{' : ',');
  out_.push_back('"');
  out_.append(name);
  out_.push_back('"');
  out_.push_back(':');
}

EventText& EventText::number(std::string_view name, double value) {
  key(name);
  if (!std::isfinite(value)) {
    out_ += "null";
    return *this;
  }
  std::array<char, 64> buf{};
  // The formatter dump() itself uses: shortest round-trip digits, ".0" on integral values.
  char* end = nlohmann::detail::to_chars(buf.data(), buf.data() + buf.size(), value);
  out_.append(buf.data(), end);
  return *this;
}

EventText& EventText::integer(std::string_view name, std::int64_t value) {
  key(name);
  std::array<char, 24> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  out_.append(buf.data(), r.ptr);
  return *this;
}

EventText& EventText::text(std::string_view name, std::string_view value) {
  key(name);
  if (plain(value)) {
    out_ += '"';
    out_ += value;
    out_ += '"';
  } else {
    out_ += nlohmann::json(std::string(value)).dump();  // escapes as dump() does (and refuses bad UTF-8)
  }
  return *this;
}

std::string EventText::take() {
  if (out_.empty()) out_.push_back('{');
  out_.push_back('}');
  std::string done = std::move(out_);
  out_.clear();
  return done;
}

}  // namespace qg::live
