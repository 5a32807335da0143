#pragma once
// The canonical encoding that approval records and signed commands are signed over
// (docs/operations.md, "Canonical encoding"):
//   - objects: keys sorted by their UTF-8 bytes, written as {"k":v,...} with no whitespace;
//   - arrays: elements in order, [a,b,...];
//   - strings: UTF-8 as-is, except `"` -> \", `\` -> \\, \b \f \n \r \t, and other bytes
//     below 0x20 -> \u00xx (lowercase hex);
//   - integers in decimal; other numbers with printf("%.17g") (integral doubles therefore
//     print like integers, and -0 prints as 0); NaN and infinities cannot be encoded;
//   - true, false, null.
// At the top level of a signed object the field "signature" is left out.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace qg::live {

//! The canonical bytes of `value`. Throws DataError for a non-finite number.
std::string canonical_json(const nlohmann::json& value);
//! Canonical bytes of a signed object: `value` without its top-level "signature" field.
std::string canonical_unsigned(const nlohmann::json& value);

}  // namespace qg::live
