#include "qg/live/canonical_json.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <type_traits>
#include <vector>

#include "qg/core/error.hpp"
#include "qg/live/jcs.hpp"

namespace qg::live {
namespace {

void write_string(std::string_view text, std::string& out) {
  out += '"';
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

void write_double_v1(double v, std::string& out) {
  if (!std::isfinite(v)) throw DataError("canonical encoding: a number is NaN or infinite");
  if (v == 0.0) v = 0.0;  // -0 and 0 encode alike
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  out += buf;
}

//! An integer under RFC 8785: the IEEE double it is, which must hold it exactly.
template <typename Int>
void write_integer_jcs(Int v, std::string& out) {
  constexpr double kEnd = std::is_signed_v<Int> ? 0x1p63 : 0x1p64;  // first double past Int's range
  const auto d = static_cast<double>(v);
  if (d >= kEnd || d < -kEnd || static_cast<Int>(d) != v)
    throw DataError("canonical encoding: integer " + std::to_string(v) + " is not exactly an IEEE double");
  out += jcs_number(d);
}

void write_value(const nlohmann::json& v, std::string& out, CanonicalForm form, bool drop_signature);

//! The object's members in the form's key order (nlohmann iterates in UTF-8 byte order).
std::vector<nlohmann::json::const_iterator> ordered_members(const nlohmann::json& v, CanonicalForm form) {
  std::vector<nlohmann::json::const_iterator> members;
  for (auto it = v.begin(); it != v.end(); ++it) members.push_back(it);
  if (form == CanonicalForm::rfc8785)
    std::stable_sort(members.begin(), members.end(),
                     [](const auto& a, const auto& b) { return jcs_key_less(a.key(), b.key()); });
  return members;
}

void write_object(const nlohmann::json& v, std::string& out, CanonicalForm form, bool drop_signature) {
  out += '{';
  bool first = true;
  for (const auto& it : ordered_members(v, form)) {
    if (drop_signature && it.key() == "signature") continue;
    if (!first) out += ',';
    first = false;
    write_string(it.key(), out);
    out += ':';
    write_value(it.value(), out, form, false);
  }
  out += '}';
}

void write_array(const nlohmann::json& v, std::string& out, CanonicalForm form) {
  out += '[';
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += ',';
    write_value(v[i], out, form, false);
  }
  out += ']';
}

void write_number(const nlohmann::json& v, std::string& out, CanonicalForm form) {
  if (form == CanonicalForm::rfc8785) {
    if (v.is_number_unsigned())
      write_integer_jcs(v.get<std::uint64_t>(), out);
    else if (v.is_number_integer())
      write_integer_jcs(v.get<std::int64_t>(), out);
    else
      out += jcs_number(v.get<double>());
  } else if (v.is_number_unsigned()) {
    out += std::to_string(v.get<std::uint64_t>());
  } else if (v.is_number_integer()) {
    out += std::to_string(v.get<std::int64_t>());
  } else {
    write_double_v1(v.get<double>(), out);
  }
}

void write_value(const nlohmann::json& v, std::string& out, CanonicalForm form, bool drop_signature) {
  using T = nlohmann::json::value_t;
  switch (v.type()) {
    case T::object:
      write_object(v, out, form, drop_signature);
      break;
    case T::array:
      write_array(v, out, form);
      break;
    case T::string:
      write_string(v.get_ref<const std::string&>(), out);
      break;
    case T::boolean:
      out += v.get<bool>() ? "true" : "false";
      break;
    case T::number_integer:
    case T::number_unsigned:
    case T::number_float:
      write_number(v, out, form);
      break;
    case T::null:
      out += "null";
      break;
    default:
      throw DataError("canonical encoding: unsupported JSON value (binary or discarded)");
  }
}

}  // namespace

std::string canonical_json(const nlohmann::json& value, CanonicalForm form) {
  std::string out;
  write_value(value, out, form, false);
  return out;
}

std::string canonical_unsigned(const nlohmann::json& value, CanonicalForm form) {
  std::string out;
  write_value(value, out, form, value.is_object());
  return out;
}

}  // namespace qg::live
