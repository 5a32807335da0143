// quantgrid: one executable, with subcommands for running jobs, managing market data, reading
// results and promoting to the live node (cli.cpp).
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "commands.hpp"

namespace {

//! True when one_blas_thread_at_load() set OPENBLAS_NUM_THREADS (main() then removes it).
bool blas_variable_set_here = false;

}  // namespace

//! The statically linked OpenBLAS starts its server threads in its own constructor, from
//! OPENBLAS_NUM_THREADS (else one per core), and `quantgrid run` stops them again before any
//! job starts (a VaR job sets one BLAS thread: the worker's threads run the blocks). This
//! constructor runs before OpenBLAS's (a numbered priority runs before the unnumbered ones) and,
//! unless the caller set the variable, sets it to 1: no thread is created and joined in any
//! command (docs/performance.md, section 6). A later set_blas_threads(n) starts threads as before.
__attribute__((constructor(101))) static void one_blas_thread_at_load() {
  if (std::getenv("OPENBLAS_NUM_THREADS") != nullptr) return;
  blas_variable_set_here = setenv("OPENBLAS_NUM_THREADS", "1", 0) == 0;
}

//! When a command returns, it has closed, flushed and (for run files) synced everything it
//! wrote: its objects are destroyed when run_cli returns. What is left is tearing down static
//! objects (TBB's scheduler, HDF5's library state, the loggers) and the heap, which the kernel
//! does by itself when the process ends: so the streams are flushed and the process ends
//! without running exit handlers (about a millisecond of a short run: docs/performance.md,
//! section 6).
int main(int argc, char** argv) {
  if (blas_variable_set_here) unsetenv("OPENBLAS_NUM_THREADS");  // the programs a command starts see the caller's
  const int code = qg::app::run_cli(argc, argv);
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::_Exit(code);
}
