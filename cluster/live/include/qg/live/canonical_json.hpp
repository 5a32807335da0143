#pragma once
// The canonical encodings that approval records, signed commands and the audit log are signed or
// hashed over (docs/operations.md, "Canonical encoding"). Version 1 (CanonicalForm::v1):
//   - objects: keys sorted by their UTF-8 bytes, written as {"k":v,...} with no whitespace;
//   - arrays: elements in order, [a,b,...];
//   - strings: UTF-8 as-is, except `"` -> \", `\` -> \\, \b \f \n \r \t, and other bytes
//     below 0x20 -> \u00xx (lowercase hex);
//   - integers in decimal; other numbers with printf("%.17g") (integral doubles therefore
//     print like integers, and -0 prints as 0); NaN and infinities cannot be encoded;
//   - true, false, null.
// RFC 8785, the JSON Canonicalization Scheme (CanonicalForm::rfc8785; approval records of
// format_version 2), differs in two places only: numbers (integers too) are written as
// ECMAScript writes an IEEE double, the shortest digits that round-trip (0.0003, 1e+21), and an
// integer that no double holds exactly cannot be encoded; object keys sort by UTF-16 code units.
// At the top level of a signed object the field "signature" is left out.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace qg::live {

enum class CanonicalForm {
  v1,       //!< %.17g numbers, keys in UTF-8 byte order (commands, the audit log, version-1 records)
  rfc8785,  //!< RFC 8785 (approval records of format_version 2)
};

//! The canonical bytes of `value`. Throws DataError for a number the form cannot encode.
std::string canonical_json(const nlohmann::json& value, CanonicalForm form = CanonicalForm::v1);
//! Canonical bytes of a signed object: `value` without its top-level "signature" field.
std::string canonical_unsigned(const nlohmann::json& value, CanonicalForm form = CanonicalForm::v1);

}  // namespace qg::live
