// The MPI module's entry point (quantgrid_mpi.so): the one symbol the quantgrid binary looks up
// after loading the module (qg/cluster/mpi_module.hpp).
#include "qg/cluster/mpi_module.hpp"
#include "qg/cluster/mpi_transport.hpp"

//! Initialises MPI and returns a session the caller owns (MpiModuleEntry).
extern "C" __attribute__((visibility("default"))) qg::cluster::MpiSession* qg_open_mpi_session(int* argc,
                                                                                               char*** argv) {
  return qg::cluster::open_mpi_session(*argc, *argv).release();
}
