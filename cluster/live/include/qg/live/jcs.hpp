#pragma once
// The two pieces where RFC 8785 (JSON Canonicalization Scheme) differs from the version-1 canonical
// encoding: how a number is written and how object keys are ordered.
#include <string>
#include <string_view>

namespace qg::live {

//! `v` as ECMAScript's Number::toString writes it (RFC 8785 section 3.2.2.3): the shortest digits
//! that round-trip, plain notation for 1e-6 <= |v| < 1e21, otherwise `d.ddde+N` / `de-N`; -0 as
//! "0". Throws DataError for NaN and infinities.
std::string jcs_number(double v);
//! True when key `a` sorts before `b` by UTF-16 code units (RFC 8785 section 3.2.3). Throws
//! DataError when a key is not valid UTF-8.
bool jcs_key_less(std::string_view a, std::string_view b);

}  // namespace qg::live
