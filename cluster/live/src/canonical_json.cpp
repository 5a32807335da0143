#include "qg/live/canonical_json.hpp"

#include <cmath>
#include <cstdio>

#include "qg/core/error.hpp"

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

void write_double(double v, std::string& out) {
  if (!std::isfinite(v)) throw DataError("canonical encoding: a number is NaN or infinite");
  if (v == 0.0) v = 0.0;  // -0 and 0 encode alike
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  out += buf;
}

void write_value(const nlohmann::json& v, std::string& out, bool drop_signature) {
  using T = nlohmann::json::value_t;
  switch (v.type()) {
    case T::object: {
      out += '{';
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {  // nlohmann objects iterate in key order
        if (drop_signature && it.key() == "signature") continue;
        if (!first) out += ',';
        first = false;
        write_string(it.key(), out);
        out += ':';
        write_value(it.value(), out, false);
      }
      out += '}';
      break;
    }
    case T::array: {
      out += '[';
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (i > 0) out += ',';
        write_value(v[i], out, false);
      }
      out += ']';
      break;
    }
    case T::string:
      write_string(v.get_ref<const std::string&>(), out);
      break;
    case T::boolean:
      out += v.get<bool>() ? "true" : "false";
      break;
    case T::number_integer:
      out += std::to_string(v.get<std::int64_t>());
      break;
    case T::number_unsigned:
      out += std::to_string(v.get<std::uint64_t>());
      break;
    case T::number_float:
      write_double(v.get<double>(), out);
      break;
    case T::null:
      out += "null";
      break;
    default:
      throw DataError("canonical encoding: unsupported JSON value (binary or discarded)");
  }
}

}  // namespace

std::string canonical_json(const nlohmann::json& value) {
  std::string out;
  write_value(value, out, false);
  return out;
}

std::string canonical_unsigned(const nlohmann::json& value) {
  std::string out;
  write_value(value, out, value.is_object());
  return out;
}

}  // namespace qg::live
