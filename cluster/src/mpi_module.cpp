#include "qg/cluster/mpi_module.hpp"

#include <string>

#include "qg/cluster/mpi_launcher.hpp"
#include "qg/cluster/runtime_module.hpp"

namespace qg::cluster {

std::vector<std::filesystem::path> mpi_module_candidates(const std::filesystem::path& executable_dir) {
  return module_candidates(executable_dir, kMpiModuleFile);
}

std::unique_ptr<MpiSession> load_mpi_session(int& argc, char**& argv) {
  const std::string why = "started by an MPI launcher (" + mpi_launcher_variable() + " is set), but the MPI module ";
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): dlsym
  const auto entry = reinterpret_cast<MpiModuleEntry>(load_module_entry(kMpiModuleFile, kMpiModuleEntry, why));
  return std::unique_ptr<MpiSession>(entry(&argc, &argv));
}

}  // namespace qg::cluster
