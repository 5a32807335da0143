#include "qg/cluster/mpi_launcher.hpp"

#include <array>
#include <cstdlib>
#include <string_view>

namespace qg::cluster {
namespace {

//! Variables each launcher sets in the environment of every process it starts.
constexpr std::array kLauncherVariables = {
    "OMPI_COMM_WORLD_SIZE",  // Open MPI's mpirun/mpiexec (ORTE and PRRTE)
    "PMIX_RANK",             // any PMIx launcher: prterun, srun --mpi=pmix, Open MPI 5
    "PMI_RANK",              // PMI-1/PMI-2: MPICH and Intel MPI (Hydra), srun --mpi=pmi2
    "PMI_FD",                // PMI-1 over an inherited socket (Hydra)
    "MV2_COMM_WORLD_RANK",   // MVAPICH2's mpirun_rsh
    "MPI_LOCALNRANKS",       // MPICH Hydra (also set without PMI_RANK by some versions)
};

bool is_set(const EnvLookup& env, const char* name) {
  const char* value = env(name);
  return value != nullptr && *value != '\0';
}

}  // namespace

std::string mpi_launcher_variable(const EnvLookup& env) {
  for (const char* name : kLauncherVariables)
    if (is_set(env, name)) return name;
  // Slurm sets SLURM_PROCID in a batch script too; only a task started by srun (a job step)
  // also has SLURM_STEP_ID.
  if (is_set(env, "SLURM_PROCID") && is_set(env, "SLURM_STEP_ID")) return "SLURM_PROCID";
  return "";
}

std::string mpi_launcher_variable() {
  return mpi_launcher_variable([](const char* name) -> const char* { return std::getenv(name); });
}

bool launched_by_mpi() { return !mpi_launcher_variable().empty(); }

std::vector<std::pair<std::string, std::string>> open_mpi_mca_defaults(const EnvLookup& env) {
  const char* size = env("OMPI_COMM_WORLD_SIZE");
  if (size == nullptr || *size == '\0') return {};
  std::vector<std::pair<std::string, std::string>> out;
  // Each unless the caller chose a value, even an empty one.
  if (env("OMPI_MCA_mpi_yield_when_idle") == nullptr) out.emplace_back("OMPI_MCA_mpi_yield_when_idle", "0");
  const char* local = env("OMPI_COMM_WORLD_LOCAL_SIZE");
  if (local != nullptr && std::string_view(size) == local && env("OMPI_MCA_pml") == nullptr)
    out.emplace_back("OMPI_MCA_pml", "ob1");
  return out;
}

}  // namespace qg::cluster
