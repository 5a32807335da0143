#include "symbol_name.hpp"

#include <algorithm>

namespace qg::results {
namespace {

//! Bytes of the UTF-8 sequence that starts at text[i], or 0 when it is not valid there
//! (overlong forms, surrogates and code points past U+10FFFF are invalid).
std::size_t utf8_sequence(const std::string& text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF)
    n = 2;
  else if (c == 0xE0)
    n = 3, lo = 0xA0;
  else if (c == 0xED)
    n = 3, hi = 0x9F;
  else if (c >= 0xE1 && c <= 0xEF)
    n = 3;
  else if (c == 0xF0)
    n = 4, lo = 0x90;
  else if (c >= 0xF1 && c <= 0xF3)
    n = 4;
  else if (c == 0xF4)
    n = 4, hi = 0x8F;
  else
    return 0;
  if (i + n > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return n;
}

//! Byte offset of the first invalid UTF-8 sequence, or npos.
std::size_t invalid_utf8_at(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_sequence(text, i);
    if (n == 0) return i;
    i += n;
  }
  return std::string::npos;
}

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7F; }

}  // namespace

std::string quote_start(const std::string& text, std::size_t max_bytes) {
  std::size_t end = std::min(text.size(), max_bytes);
  while (end > 0 && end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  // Shown as valid UTF-8 without control characters: anything else becomes '?'.
  std::string shown;
  for (std::size_t i = 0; i < end;) {
    const std::size_t n = utf8_sequence(text, i);
    if (n == 0 || i + n > end || (n == 1 && is_control(static_cast<unsigned char>(text[i])))) {
      shown += '?';
      ++i;
    } else {
      shown.append(text, i, n);
      i += n;
    }
  }
  if (end == text.size()) return "'" + shown + "'";
  return "'" + shown + "...' (" + std::to_string(text.size()) + " bytes)";
}

std::string symbol_name_problem(const std::string& name) {
  if (name.empty()) return "empty symbol name";
  if (name.size() > kMaxSymbolNameBytes)
    return "symbol name " + quote_start(name) + " is longer than " + std::to_string(kMaxSymbolNameBytes) + " bytes";
  if (const std::size_t at = invalid_utf8_at(name); at != std::string::npos)
    return "symbol name " + quote_start(name) + " is not valid UTF-8 (byte " + std::to_string(at) + ")";
  if (std::any_of(name.begin(), name.end(), [](char c) { return is_control(static_cast<unsigned char>(c)); }))
    return "symbol name " + quote_start(name) + " contains a control character (NUL, tab, ...)";
  if (name.find('/') != std::string::npos) return "symbol name '" + name + "' contains '/'";
  if (name == "." || name == "..") return "symbol name '" + name + "' is not allowed";
  return "";
}

}  // namespace qg::results
