#pragma once
// The shared temporary-directory and file helpers, under the names the results tests use.
#include <algorithm>
#include <string>
#include <vector>

#include "qg_testing/temp_dir.hpp"

namespace qg::results::testing {

using ::qg::testing::read_bytes;
using ::qg::testing::TempDir;
using ::qg::testing::write_text;

//! The names of the files in `dir`, sorted: shows that a writer left no temporary or lock file.
inline std::vector<std::string> files_in(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace qg::results::testing
