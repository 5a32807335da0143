#pragma once
// MPI's lifetime in a process, behind an interface that names no MPI type: the quantgrid binary
// gets its session from the MPI module (mpi_module.hpp) and links no MPI library itself.
#include <cstdlib>
#include <memory>

#include "qg/cluster/transport.hpp"

namespace qg::cluster {

//! Owns MPI's lifetime (MPI_Init when created, MPI_Finalize when destroyed) and the world
//! communicator. Create exactly one, in main, and only for commands that need it.
class MpiSession {
 public:
  MpiSession() = default;
  virtual ~MpiSession() = default;
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  virtual int rank() const = 0;
  virtual int size() const = 0;
  //! A transport over MPI_COMM_WORLD.
  virtual std::unique_ptr<Transport> world_transport() = 0;
  //! Ends every rank of the job (used by main on a fatal error on one rank).
  [[noreturn]] void abort(int code) {
    end_job(code);
    std::abort();  // not reached: end_job does not return
  }
  //! Ends this process with `code` without MPI_Finalize, after flushing standard output, standard
  //! error and the log: for a run that lost a rank, where MPI_Finalize can wait for the dead
  //! rank forever (docs/operations.md). mpirun --enable-recovery then exits with the ranks' code.
  [[noreturn]] void leave_without_finalize(int code) {
    exit_without_finalize(code);
    std::abort();  // not reached: exit_without_finalize does not return
  }

 private:
  // What abort() and leave_without_finalize() do; neither returns (a call through a virtual
  // function is not known to the compiler as [[noreturn]], hence the public wrappers).
  [[noreturn]] virtual void end_job(int code) = 0;
  [[noreturn]] virtual void exit_without_finalize(int code) = 0;
};

}  // namespace qg::cluster
