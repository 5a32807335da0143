// stop_blas_threads against the process's own thread count (/proc/self/status): with two BLAS
// threads OpenBLAS runs one server thread beside the caller; stopping ends it, keeps the thread
// count setting, and a second stop is harmless.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "qg/kernels/var/blas_threads.hpp"

namespace qg::kernels::var {
namespace {

int process_threads() {
  std::ifstream in("/proc/self/status");
  std::string key;
  int value = -1;
  while (in >> key)
    if (key == "Threads:") in >> value;
  return value;
}

TEST(VarBlasThreads, StopEndsTheServerThreads) {
  set_blas_threads(2);  // one server thread beside the caller (started here if not yet running)
  const int with_server = process_threads();
  stop_blas_threads();
  EXPECT_EQ(process_threads(), with_server - 1);
  EXPECT_EQ(blas_threads(), 2);
  stop_blas_threads();
  EXPECT_EQ(process_threads(), with_server - 1);
  set_blas_threads(1);
}

}  // namespace
}  // namespace qg::kernels::var
