#pragma once
// The Boost.MPI transport. Only mpi_transport.cpp includes Boost.MPI.
#include <memory>

#include "qg/cluster/transport.hpp"

namespace qg::cluster {

//! Owns MPI's lifetime (MPI_Init in the constructor, MPI_Finalize in the destructor) and
//! the world communicator. Create exactly one, in main, and only for commands that need it.
class MpiSession {
 public:
  MpiSession(int& argc, char**& argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const;
  int size() const;
  //! A transport over MPI_COMM_WORLD.
  std::unique_ptr<Transport> world_transport();
  //! Ends every rank of the job (used by main on a fatal error on one rank).
  [[noreturn]] void abort(int code);
  //! Ends this process with `code` without MPI_Finalize, after flushing standard output, standard
  //! error and the log: for a run that lost a rank, where MPI_Finalize can wait for the dead
  //! rank forever (docs/operations.md). mpirun --enable-recovery then exits with the ranks' code.
  [[noreturn]] void leave_without_finalize(int code);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace qg::cluster
