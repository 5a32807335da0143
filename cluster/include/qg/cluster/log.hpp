#pragma once
// Logging for everything outside kernels/: spdlog with the rank and role in every line.
#include <string>

namespace qg::cluster {

//! Sets up the default logger: "[time] [rank R/N] [ROLE] [level] message" on stderr, without
//! colour codes when stderr is not a terminal. `level` is trace|debug|info|warn|error|off;
//! throws ConfigError for anything else.
void init_logging(int rank, int size, const std::string& role, const std::string& level);

}  // namespace qg::cluster
