// quantgrid: one executable, with subcommands for running jobs, managing market data, reading
// results and promoting to the live node (cli.cpp).
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "commands.hpp"

//! When a command returns, it has closed, flushed and (for run files) synced everything it
//! wrote: its objects are destroyed when run_cli returns. What is left is tearing down static
//! objects (TBB's scheduler, HDF5's library state, the loggers) and the heap, which the kernel
//! does by itself when the process ends: so the streams are flushed and the process ends
//! without running exit handlers (about a millisecond of a short run: docs/performance.md,
//! section 6).
int main(int argc, char** argv) {
  const int code = qg::app::run_cli(argc, argv);
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::_Exit(code);
}
