#pragma once
// Plain-text tables for terminal reports (`quantgrid results ...`, job kinds' summaries).
#include <ostream>
#include <string>
#include <vector>

namespace qg::results {

//! printf-formats one number ("%.6g").
std::string format_number(const char* spec, double value);
//! Short form for terminal tables: integers exactly, others with 6 significant digits.
std::string short_number(double value);
//! Prints rows of text cells with every column padded to its widest cell; `left[c]` aligns
//! column c to the left (else right). Trailing blanks are trimmed.
void print_aligned(const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& left, std::ostream& os);

}  // namespace qg::results
