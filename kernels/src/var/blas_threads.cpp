// The process's OpenBLAS thread count through the OpenBLAS C API.
#include "qg/kernels/var/blas_threads.hpp"

#include <cblas.h>

namespace qg::kernels::var {

void set_blas_threads(int threads) { openblas_set_num_threads(threads); }

int blas_threads() { return openblas_get_num_threads(); }

}  // namespace qg::kernels::var
