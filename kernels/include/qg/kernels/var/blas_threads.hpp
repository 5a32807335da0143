#pragma once
// The BLAS thread count of this process. Each worker already runs one task (or one block of
// scenarios) per core, so the var kernels' DTRMM / DGEMV run on one thread each: a threaded
// BLAS inside would oversubscribe the cores. Set in code, not by OPENBLAS_NUM_THREADS.

namespace qg::kernels::var {

//! Sets OpenBLAS's thread count (openblas_set_num_threads) for the whole process.
void set_blas_threads(int threads);
//! OpenBLAS's thread count now (openblas_get_num_threads).
int blas_threads();

}  // namespace qg::kernels::var
