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

//! The MCA parameters, as environment variables, that a rank started by Open MPI's mpirun
//! (OMPI_COMM_WORLD_SIZE set) sets for itself before MPI_Init; each only when the caller has not
//! set it (even to an empty value):
//! * OMPI_MCA_mpi_yield_when_idle=0: the transport's receive yields and sleeps by itself between
//!   empty polls (PollBackoff), so Open MPI must not yield inside each MPI_Iprobe and MPI_Test
//!   as well. It does by default when ranks outnumber cores, and then every poll that finds
//!   nothing gave the core away: 3 ranks on 2 cores ran 20,000 one-task chunks at 35-76,000 a
//!   second, against 83-118,000 without (docs/performance.md, section 3). No call of the
//!   transport blocks inside MPI but the job broadcast, which every rank enters together.
//! * OMPI_MCA_pml=ob1 when every rank of the job is on this one node
//!   (OMPI_COMM_WORLD_LOCAL_SIZE == OMPI_COMM_WORLD_SIZE). Every peer is then reached through
//!   shared memory, which ob1 drives (its `vader` BTL), and Open MPI no longer opens and tries
//!   its network PMLs (UCX, OFI, PSM) in MPI_Init: about 0.19 s of a 3-rank start on the
//!   reference VM (docs/performance.md, section 7).
//! Under another launcher nothing is set. Every rank decides alike, from the same variables.
std::vector<std::pair<std::string, std::string>> open_mpi_mca_defaults(const EnvLookup& env);

}  // namespace qg::cluster
