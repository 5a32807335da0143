// An MPI job that does no work: every rank initialises MPI, meets the others at one barrier and
// finalises. Timed whole under `mpiexec` (bench/store_startup.py), it is the part of a run that
// belongs to Open MPI alone: the launch of the ranks, MPI_Init, MPI_Finalize and the exit.
//   mpiexec -n K bench_mpi_floor
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>

int main(int argc, char** argv) {
  const boost::mpi::environment env(argc, argv);
  boost::mpi::communicator().barrier();
  return 0;
}
