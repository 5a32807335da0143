#pragma once
// The process exit codes of every quantgrid command, and the one mapping from an error to
// its code. docs/cli.md lists which codes each command can return.
#include <exception>

#include "qg/core/error.hpp"

namespace qg {

//! Exit codes shared by every command (unscoped so that `return kExitOk;` reads as an int).
enum ExitCode : int {
  kExitOk = 0,
  kExitConfig = 1,    // bad spec, bad command line
  kExitData = 2,      // bad input data, unreadable or unwritable files
  kExitTasks = 3,     // the run completed but some tasks failed (see /errors)
  kExitInternal = 4,  // cluster failures and bugs
  kExitRejected = 5,  // the live node answered and refused the request (see its reason)
};

//! The exit code of an error of `kind`: kConfig -> 1; kData, kIo -> 2; every other kind -> 4.
ExitCode exit_code(ErrorKind kind) noexcept;

//! The kind of any exception: a qg::Error's own kind, kInternal for anything else.
ErrorKind error_kind(const std::exception& e) noexcept;

//! exit_code(error_kind(e)).
ExitCode exit_code(const std::exception& e) noexcept;

}  // namespace qg
