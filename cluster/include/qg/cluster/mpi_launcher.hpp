#pragma once
// Whether this process was started by an MPI launcher (mpirun/mpiexec, srun, a PMI or PMIx
// process manager). A process started any other way runs alone and does not initialise MPI:
// MPI_Init of a singleton costs about a third of a second (it starts a runtime daemon).
#include <functional>
#include <string>

namespace qg::cluster {

//! Reads an environment variable: nullptr when it is not set.
using EnvLookup = std::function<const char*(const char*)>;

//! The first variable (in the order documented in docs/operations.md) that shows an MPI
//! launcher started this process, or "" when none does. `env` defaults to std::getenv.
std::string mpi_launcher_variable(const EnvLookup& env);
std::string mpi_launcher_variable();

//! True when mpi_launcher_variable() is not empty.
bool launched_by_mpi();

}  // namespace qg::cluster
