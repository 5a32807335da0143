#pragma once
// Whether this process was started by an MPI launcher (mpirun/mpiexec, srun, a PMI or PMIx
// process manager). A process started any other way runs alone and does not initialise MPI:
// MPI_Init of a singleton costs about a third of a second (it starts a runtime daemon).
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace qg::cluster {

//! Reads an environment variable: nullptr when it is not set.
using EnvLookup = std::function<const char*(const char*)>;

//! The first variable (in the order documented in docs/operations.md) that shows an MPI
//! launcher started this process, or "" when none does. `env` defaults to std::getenv.
std::string mpi_launcher_variable(const EnvLookup& env);
std::string mpi_launcher_variable();

//! True when mpi_launcher_variable() is not empty.
bool launched_by_mpi();

//! The MCA parameters, as environment variables, that a rank sets for itself before MPI_Init:
//! when Open MPI's mpirun started every rank of the job on this one node
//! (OMPI_COMM_WORLD_LOCAL_SIZE == OMPI_COMM_WORLD_SIZE), OMPI_MCA_pml=ob1, unless the caller chose a
//! PML. Every peer is then reached through shared memory, which ob1 drives (its `vader` BTL), and
//! Open MPI no longer opens and tries its network PMLs (UCX, OFI, PSM) in MPI_Init: about 0.19 s
//! of a 3-rank start on the reference VM (docs/performance.md, section 7). On several nodes, or
//! under another launcher, nothing is set. Every rank decides alike, from the same variables.
std::vector<std::pair<std::string, std::string>> single_node_mca_defaults(const EnvLookup& env);

}  // namespace qg::cluster
