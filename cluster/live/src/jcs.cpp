#include "qg/live/jcs.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

#include "qg/core/error.hpp"

namespace qg::live {
namespace {

//! Shortest round-trip digits of |v| > 0 and its decimal exponent n: |v| = 0.DIGITS * 10^n.
std::pair<std::string, int> shortest_digits(double v) {
  char buf[40];
  const auto res = std::to_chars(buf, buf + sizeof buf, std::fabs(v), std::chars_format::scientific);
  const std::string text(buf, res.ptr);  // "d.ddde+XX" or "de-XX"
  const std::size_t e = text.find('e');
  std::string digits = text.substr(0, 1) + (e > 1 ? text.substr(2, e - 2) : "");
  return {digits, std::atoi(text.c_str() + e + 1) + 1};
}

//! ECMAScript's layout of digits d1..dk with |v| = 0.d1..dk * 10^n (ECMA-262 Number::toString).
std::string layout(const std::string& d, int n) {
  const int k = static_cast<int>(d.size());
  std::string out;
  if (k <= n && n <= 21) {  // integer: the digits and n - k zeros
    out.append(d).append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {  // the point inside the digits
    out.append(d, 0, static_cast<std::size_t>(n)).append(1, '.').append(d, static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {  // 0.000ddd
    out.append("0.").append(static_cast<std::size_t>(-n), '0').append(d);
  } else {  // d.ddde+N or de-N
    out.append(d, 0, 1);
    if (k > 1) out.append(1, '.').append(d, 1);
    out.append(n - 1 >= 0 ? "e+" : "e-").append(std::to_string(std::abs(n - 1)));
  }
  return out;
}

//! The next code point of UTF-8 `s` from `i` (advanced past it); DataError when malformed.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  const int len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + static_cast<std::size_t>(len) > s.size())
    throw DataError("canonical encoding: a key is not UTF-8");
  char32_t cp = len == 1 ? b0 : b0 & (0x7F >> len);
  for (int j = 1; j < len; ++j) {
    const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(j)]);
    if ((b >> 6) != 0x2) throw DataError("canonical encoding: a key is not UTF-8");
    cp = (cp << 6) | (b & 0x3F);
  }
  i += static_cast<std::size_t>(len);
  return cp;
}

//! `s` (UTF-8) as UTF-16 code units.
std::u16string to_utf16(std::string_view s) {
  std::u16string out;
  for (std::size_t i = 0; i < s.size();) {
    const char32_t cp = next_code_point(s, i);
    if (cp < 0x10000) {
      out += static_cast<char16_t>(cp);
    } else {
      out += static_cast<char16_t>(0xD800 + ((cp - 0x10000) >> 10));
      out += static_cast<char16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF));
    }
  }
  return out;
}

}  // namespace

std::string jcs_number(double v) {
  if (!std::isfinite(v)) throw DataError("canonical encoding: a number is NaN or infinite");
  if (v == 0.0) return "0";  // -0 and 0 alike
  const auto [digits, n] = shortest_digits(v);
  std::string out = v < 0 ? "-" : "";
  out.append(layout(digits, n));
  return out;
}

bool jcs_key_less(std::string_view a, std::string_view b) { return to_utf16(a) < to_utf16(b); }

}  // namespace qg::live
