#pragma once
// Which strings may name a symbol of a market store.
#include <cstddef>
#include <string>

namespace qg::results {

//! Longest symbol name, in bytes.
inline constexpr std::size_t kMaxSymbolNameBytes = 256;

//! Why `name` cannot be a symbol, or "" when it can: empty, longer than kMaxSymbolNameBytes,
//! not valid UTF-8 (stored strings are declared UTF-8), a NUL or other control character,
//! '/', or "." / "..".
std::string symbol_name_problem(const std::string& name);

//! The start of `text` for a message, in quotes: at most `max_bytes` bytes (cut at a UTF-8
//! character boundary), then "..." and the full length; control bytes shown as '?'.
std::string quote_start(const std::string& text, std::size_t max_bytes = 40);

}  // namespace qg::results
