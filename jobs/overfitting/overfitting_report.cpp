#include "overfitting/overfitting_report.hpp"

#include <algorithm>

#include "qg/results/text_table.hpp"

namespace qg::jobs {

std::vector<std::pair<std::string, double>> overfitting_evidence(const results::RunReader& run,
                                                                 const std::string& group) {
  std::vector<std::pair<std::string, double>> out;
  if (!run.has(group)) return out;
  const auto names = run.attribute_names(group);
  for (const char* name : {"dsr", "pbo", "psr", "dsr_n_eff", "n_trials"})
    if (std::find(names.begin(), names.end(), name) != names.end())
      out.emplace_back(name, run.double_attribute(group, name));
  return out;
}

void print_group_attributes(const results::RunReader& run, const std::string& group, const std::string& title,
                            std::ostream& os) {
  if (!run.has(group)) return;
  std::vector<std::vector<std::string>> rows;
  for (const auto& name : run.attribute_names(group)) rows.push_back({name, run.attribute_text(group, name)});
  os << "\n" << title << ":\n";
  results::print_aligned(rows, {true, false}, os);
}

}  // namespace qg::jobs
