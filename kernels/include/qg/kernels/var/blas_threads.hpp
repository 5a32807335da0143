#pragma once
// The BLAS thread count of this process. Each worker already runs one task (or one block of
// scenarios) per core, so the var kernels' DTRMM / DGEMV run on one thread each: a threaded
// BLAS inside would oversubscribe the cores. Set in code, not by OPENBLAS_NUM_THREADS.

namespace qg::kernels::var {

//! Sets OpenBLAS's thread count (openblas_set_num_threads) for the whole process.
void set_blas_threads(int threads);
//! OpenBLAS's thread count now (openblas_get_num_threads).
int blas_threads();
//! Ends OpenBLAS's server threads (blas_thread_shutdown_). OpenBLAS starts them when the
//! process loads it and each spins on sched_yield for about 2^28 cycles (0.1 s) waiting for work:
//! a short run that makes no threaded BLAS call would lose a core to them for its whole life.
//! The thread count is unchanged; a later threaded call starts them again (OpenBLAS's own path
//! after fork, whose handler this is).
void stop_blas_threads();

}  // namespace qg::kernels::var
