#pragma once
// The Boost.MPI transport. Only mpi_transport.cpp includes Boost.MPI; it is built into the MPI
// module (quantgrid_mpi.so, loaded by the quantgrid binary under a launcher: mpi_module.hpp)
// and into qg::cluster_mpi, which test and benchmark programs that always run under mpiexec
// link directly.
#include <memory>

#include "qg/cluster/mpi_session.hpp"

namespace qg::cluster {

//! Initialises MPI (MPI_THREAD_FUNNELED) and returns the session over MPI_COMM_WORLD.
std::unique_ptr<MpiSession> open_mpi_session(int& argc, char**& argv);

}  // namespace qg::cluster
