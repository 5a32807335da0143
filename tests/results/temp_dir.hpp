#pragma once
// The shared temporary-directory and file helpers, under the names the results tests use.
#include "qg_testing/temp_dir.hpp"

namespace qg::results::testing {

using ::qg::testing::read_bytes;
using ::qg::testing::TempDir;
using ::qg::testing::write_text;

}  // namespace qg::results::testing
