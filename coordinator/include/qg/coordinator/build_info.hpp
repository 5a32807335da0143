#pragma once
// What this quantgrid binary is: version, the commit it was built from, and the CPU it was compiled
// for. Written into every run file (provenance) and printed by `quantgrid --version`.
#include <string>
#include <string_view>

namespace qg::coordinator {

//! The project version (CMakeLists.txt `project(... VERSION)`), e.g. "0.1.0".
std::string_view build_version();
//! The commit at build time: 12 hex digits, "-dirty" appended when tracked files had uncommitted
//! changes; "unknown" when built outside a git checkout (cmake/QgGitCommit.cmake).
std::string_view build_commit();
//! The instruction set the binary (all but the multi-target sweep kernels) was compiled for, from
//! the compiler's predefined macros: "x86-64-v3 (x86-64-v3: AVX2 FMA)" for QG_ARCH=x86-64-v3,
//! "native (x86-64-v3: AVX2 FMA)" for -march=native on an AVX2 machine.
std::string build_target();
//! The `--version` line: "quantgrid VERSION (commit COMMIT; target TARGET; kernels KERNELS)", KERNELS
//! the CPU target of the sweep kernels chosen at run time (qg/kernels/kernel_target.hpp), e.g.
//! "x86-64-v3", or "error: ..." when QG_KERNEL_TARGET names one this CPU cannot run.
std::string version_line();

}  // namespace qg::coordinator
