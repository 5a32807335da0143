#pragma once
// The MPI transport as a module loaded at run time (quantgrid_mpi.so), so that a process that
// no launcher started loads neither Open MPI nor Boost.MPI: mapping and relocating them cost
// more than the rest of a small run (docs/performance.md, section 7).
#include <filesystem>
#include <memory>
#include <vector>

#include "qg/cluster/mpi_session.hpp"

namespace qg::cluster {

//! The module's file name, and the C function it exports (MpiModuleEntry): it initialises MPI
//! and returns a session the caller owns.
inline constexpr const char* kMpiModuleFile = "quantgrid_mpi.so";
inline constexpr const char* kMpiModuleEntry = "qg_open_mpi_session";
using MpiModuleEntry = MpiSession* (*)(int* argc, char*** argv);

//! Where the module is looked for, in order, for an executable in `executable_dir`: beside it
//! (the build tree), then in the install tree's module folder relative to it
//! (CMAKE_INSTALL_LIBDIR/quantgrid from CMAKE_INSTALL_BINDIR).
std::vector<std::filesystem::path> mpi_module_candidates(const std::filesystem::path& executable_dir);

//! Loads the module from the first candidate of this executable that exists and opens the MPI
//! session. The module stays loaded until the process exits. Throws ClusterError naming the
//! file(s) when the module is missing or cannot be loaded.
std::unique_ptr<MpiSession> load_mpi_session(int& argc, char**& argv);

}  // namespace qg::cluster
