// The var kind's part of `quantgrid results summary`: the run's settings, VaR and ES per
// method and level, the largest components, the backtest and the stress scenarios.
#include "var/var_summary.hpp"

#include <algorithm>
#include <cmath>
#include <ostream>

#include "qg/results/run_file.hpp"
#include "qg/results/text_table.hpp"

namespace qg::jobs {
namespace {

using results::format_number;
using results::print_aligned;
using results::short_number;

//! Strings of `dataset`, or `n` empty strings when absent.
std::vector<std::string> strings_or_blank(const results::RunReader& reader, const std::string& dataset, std::size_t n) {
  return reader.has(dataset) ? reader.read_strings(dataset) : std::vector<std::string>(n);
}

void print_var_attributes(const results::RunReader& reader, std::ostream& os) {
  os << "\n/var: " << reader.attribute_text("/var", "scenarios") << " scenarios in "
     << reader.attribute_text("/var", "batches") << " batches of " << reader.attribute_text("/var", "batch") << ", "
     << reader.attribute_text("/var", "distribution") << " shocks";
  if (reader.attribute_text("/var", "distribution") == "student_t")
    os << " (nu " << reader.attribute_text("/var", "nu") << ")";
  os << ", " << reader.attribute_text("/var", "covariance") << " covariance, mean "
     << reader.attribute_text("/var", "mean") << ", window " << reader.attribute_text("/var", "window")
     << " returns to " << reader.attribute_text("/var", "window_end") << ", horizon "
     << reader.attribute_text("/var", "horizon_days") << " day(s); standard errors by "
     << reader.attribute_text("/var", "se_method") << '\n';
}

void print_var_summary(const results::RunReader& reader, std::ostream& os) {
  const results::Table t = reader.read_table("/var/summary");
  const auto methods = strings_or_blank(reader, "/var/summary/method_name", t.rows());
  std::vector<std::vector<std::string>> rows{{"method", "confidence", "VaR", "ES", "VaR se", "ES se"}};
  for (std::size_t r = 0; r < t.rows(); ++r)
    rows.push_back({methods[r], format_number("%.4g", t.column("confidence")[r]),
                    format_number("%.6g", t.column("var")[r]), format_number("%.6g", t.column("es")[r]),
                    format_number("%.3g", t.column("var_se")[r]), format_number("%.3g", t.column("es_se")[r])});
  os << "\nVaR and ES (losses positive, in the portfolio's currency):\n";
  print_aligned(rows, {true, false, false, false, false, false}, os);
}

//! Components at the highest confidence level, Monte Carlo first, the largest 20 positions.
void print_var_components(const results::RunReader& reader, std::ostream& os) {
  const results::Table t = reader.read_table("/var/components");
  if (t.rows() == 0) return;
  const auto methods = strings_or_blank(reader, "/var/components/method_name", t.rows());
  const auto positions = strings_or_blank(reader, "/var/components/position_name", t.rows());
  const auto& level = t.column("confidence");
  const double top = *std::max_element(level.begin(), level.end());
  std::vector<std::size_t> picked;
  for (std::size_t r = 0; r < t.rows(); ++r)
    if (level[r] == top && methods[r] == "monte_carlo") picked.push_back(r);
  const auto& cvar = t.column("component_var");
  std::stable_sort(picked.begin(), picked.end(),
                   [&](std::size_t a, std::size_t b) { return std::fabs(cvar[a]) > std::fabs(cvar[b]); });
  const std::size_t shown = std::min<std::size_t>(picked.size(), 20);
  std::vector<std::vector<std::string>> rows{
      {"position", "component VaR", "component ES", "marginal VaR", "incremental VaR"}};
  for (std::size_t i = 0; i < shown; ++i) {
    const std::size_t r = picked[i];
    rows.push_back({positions[r], format_number("%.6g", cvar[r]), format_number("%.6g", t.column("component_es")[r]),
                    format_number("%.6g", t.column("marginal_var")[r]),
                    format_number("%.6g", t.column("incremental_var")[r])});
  }
  os << "\ncomponents (Euler, monte_carlo, confidence " << format_number("%.4g", top) << "):\n";
  print_aligned(rows, {true, false, false, false, false}, os);
  if (picked.size() > shown)
    os << "  ... " << picked.size() - shown << " more positions (quantgrid results export --table components)\n";
}

void print_var_backtest(const results::RunReader& reader, std::ostream& os) {
  if (!reader.has("/var/backtest")) return;
  const results::Table t = reader.read_table("/var/backtest");
  const auto zones = strings_or_blank(reader, "/var/backtest/zone_name", t.rows());
  std::vector<std::vector<std::string>> rows{
      {"confidence", "days", "exceptions", "expected", "Kupiec p", "independence p", "cond. coverage p", "zone"}};
  for (std::size_t r = 0; r < t.rows(); ++r)
    rows.push_back({format_number("%.4g", t.column("confidence")[r]), short_number(t.column("observations")[r]),
                    short_number(t.column("exceptions")[r]), format_number("%.1f", t.column("expected")[r]),
                    format_number("%.3g", t.column("kupiec_p")[r]),
                    format_number("%.3g", t.column("independence_p")[r]), format_number("%.3g", t.column("cc_p")[r]),
                    zones[r]});
  os << "\nbacktest (" << reader.attribute_text("/var", "backtest_method") << " VaR over the previous "
     << reader.attribute_text("/var", "backtest_window") << " days):\n";
  print_aligned(rows, {false, false, false, false, false, false, false, true}, os);
}

void print_var_stress(const results::RunReader& reader, std::ostream& os) {
  if (!reader.has("/var/stress")) return;
  const results::Table t = reader.read_table("/var/stress");
  const auto names = strings_or_blank(reader, "/var/stress/name", t.rows());
  std::vector<std::vector<std::string>> rows{{"scenario", "P&L", "loss"}};
  for (std::size_t r = 0; r < t.rows(); ++r)
    rows.push_back({names[r], format_number("%.6g", t.column("pnl")[r]), format_number("%.6g", t.column("loss")[r])});
  os << "\nstress scenarios (full revaluation):\n";
  print_aligned(rows, {true, false, false}, os);
}

}  // namespace

void print_var_summary_report(const results::RunReader& reader, std::ostream& os) {
  print_var_attributes(reader, os);
  print_var_summary(reader, os);
  print_var_components(reader, os);
  print_var_backtest(reader, os);
  print_var_stress(reader, os);
}

}  // namespace qg::jobs
