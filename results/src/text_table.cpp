#include "qg/results/text_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace qg::results {

std::string format_number(const char* spec, double value) {
  char text[40];
  std::snprintf(text, sizeof text, spec, value);
  return text;
}

std::string short_number(double value) {
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15)
    return format_number("%.0f", value);
  return format_number("%.6g", value);
}

void print_aligned(const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& left, std::ostream& os) {
  std::vector<std::size_t> widths(rows.front().size(), 0);
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(widths[c] - row[c].size(), ' ');
      if (c) line += "  ";
      line += left[c] ? row[c] + pad : pad + row[c];
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    os << line << '\n';
  }
}

}  // namespace qg::results
