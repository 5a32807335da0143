#include "qg/cluster/mpi_module.hpp"

#include <dlfcn.h>

#include <string>

#include "qg/cluster/mpi_launcher.hpp"
#include "qg/core/error.hpp"

#ifndef QG_MPI_MODULE_INSTALL_DIR
#define QG_MPI_MODULE_INSTALL_DIR "../lib/quantgrid"
#endif

namespace qg::cluster {
namespace {

std::filesystem::path executable_dir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw ClusterError("cannot find this executable's folder (/proc/self/exe): " + ec.message());
  return exe.parent_path();
}

//! The first candidate that exists; the last one (named in the error) when none does.
std::filesystem::path find_module(const std::vector<std::filesystem::path>& candidates) {
  for (const auto& path : candidates)
    if (std::filesystem::exists(path)) return path;
  return candidates.back();
}

MpiModuleEntry open_entry(const std::filesystem::path& path) {
  const std::string why = "started by an MPI launcher (" + mpi_launcher_variable() + " is set), but the MPI module ";
  // Loaded for the life of the process (MPI finalises when the session ends, and Open MPI keeps
  // threads). RTLD_GLOBAL: Open MPI's own components, which it loads in MPI_Init, look up
  // libmpi's symbols in the global scope.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
  if (handle == nullptr) throw ClusterError(why + "cannot be loaded: " + dlerror());
  void* entry = dlsym(handle, kMpiModuleEntry);
  if (entry == nullptr) throw ClusterError(why + path.string() + " has no " + kMpiModuleEntry);
  return reinterpret_cast<MpiModuleEntry>(entry);  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast): dlsym
}

}  // namespace

std::vector<std::filesystem::path> mpi_module_candidates(const std::filesystem::path& executable_dir) {
  return {executable_dir / kMpiModuleFile,
          (executable_dir / QG_MPI_MODULE_INSTALL_DIR / kMpiModuleFile).lexically_normal()};
}

std::unique_ptr<MpiSession> load_mpi_session(int& argc, char**& argv) {
  const auto candidates = mpi_module_candidates(executable_dir());
  const auto path = find_module(candidates);
  if (!std::filesystem::exists(path))
    throw ClusterError("started by an MPI launcher (" + mpi_launcher_variable() + " is set), but the MPI module " +
                       std::string(kMpiModuleFile) + " is missing: neither " + candidates.front().string() + " nor " +
                       path.string() + " exists");
  return std::unique_ptr<MpiSession>(open_entry(path)(&argc, &argv));
}

}  // namespace qg::cluster
