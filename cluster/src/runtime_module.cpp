#include "qg/cluster/runtime_module.hpp"

#include <dlfcn.h>

#include "qg/core/error.hpp"

#ifndef QG_MODULE_INSTALL_DIR
#define QG_MODULE_INSTALL_DIR "../lib/quantgrid"
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

}  // namespace

std::vector<std::filesystem::path> module_candidates(const std::filesystem::path& executable_dir,
                                                     const std::string& file) {
  return {executable_dir / file, (executable_dir / QG_MODULE_INSTALL_DIR / file).lexically_normal()};
}

void* load_module_entry(const std::string& file, const char* entry, const std::string& why) {
  const auto candidates = module_candidates(executable_dir(), file);
  const auto path = find_module(candidates);
  if (!std::filesystem::exists(path))
    throw ClusterError(why + file + " is missing: neither " + candidates.front().string() + " nor " + path.string() +
                       " exists");
  // Loaded for the life of the process (MPI finalises when its session ends, and Open MPI and
  // ZeroMQ keep threads). RTLD_GLOBAL: Open MPI's own components, which it loads in MPI_Init,
  // look up libmpi's symbols in the global scope.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
  if (handle == nullptr) throw ClusterError(why + "cannot be loaded: " + dlerror());
  void* address = dlsym(handle, entry);
  if (address == nullptr) throw ClusterError(why + path.string() + " has no " + entry);
  return address;
}

}  // namespace qg::cluster
