#pragma once
// A shared object of quantgrid's own loaded at run time with dlopen, so that a process that does
// not need it maps neither it nor the libraries it links: the MPI transport (quantgrid_mpi.so,
// mpi_module.hpp) and the live node's commands with ZeroMQ (quantgrid_live.so). Both lie beside
// the executable in a build tree and in LIBDIR/quantgrid from an install (cmake/QgInstall.cmake).
#include <filesystem>
#include <string>
#include <vector>

namespace qg::cluster {

//! Where module `file` is looked for, in order, for an executable in `executable_dir`: beside it
//! (the build tree), then in the install tree's module folder relative to it
//! (CMAKE_INSTALL_LIBDIR/quantgrid from CMAKE_INSTALL_BINDIR).
std::vector<std::filesystem::path> module_candidates(const std::filesystem::path& executable_dir,
                                                     const std::string& file);

//! Loads module `file` from the first of this executable's candidates that exists, for the life
//! of the process, and returns the address of its function `entry`. Throws ClusterError whose
//! text starts with `why` (e.g. "... but the MPI module ") and names the file(s) when the module
//! is missing, cannot be loaded, or lacks `entry`.
void* load_module_entry(const std::string& file, const char* entry, const std::string& why);

}  // namespace qg::cluster
