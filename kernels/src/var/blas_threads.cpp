// The process's OpenBLAS thread count through the OpenBLAS C API.
#include "qg/kernels/var/blas_threads.hpp"

#include <cblas.h>

// OpenBLAS's own, not in cblas.h: joins the server threads; the next threaded call restarts them.
extern "C" int blas_thread_shutdown_(void);

namespace qg::kernels::var {

void set_blas_threads(int threads) { openblas_set_num_threads(threads); }

int blas_threads() { return openblas_get_num_threads(); }

void stop_blas_threads() { blas_thread_shutdown_(); }

}  // namespace qg::kernels::var
