#pragma once
// Per-block sums of net returns for walk-forward and PBO: a run keeps, for every parameter set,
// the sum and sum of squares of each block of B bars instead of every bar's return, i.e.
// O(blocks x sets) memory instead of O(bars x sets). Any window made of whole blocks then has
// its mean and variance from these sums.
#include <cstdint>

namespace qg::kernels {

//! Number of consecutive blocks of `block_bars` rows covering `n_rows` rows (the last may be
//! short): ceil(n_rows / block_bars). Throws KernelError on block_bars < 1 or n_rows < 0.
std::int64_t block_count(std::int64_t n_rows, std::int64_t block_bars);

//! For time-major values (n_rows x n_sets, e.g. net_returns output), block b covering rows
//! [b*block_bars, min((b+1)*block_bars, n_rows)): sum_out[j * n_blocks + b] = sum of set j's
//! values in block b, sumsq_out likewise for the squares (n_blocks = block_count(...);
//! set-major). Each block's values are added in row order, as the reference does.
void block_sums(const double* values, std::int64_t n_rows, int n_sets, std::int64_t block_bars, double* sum_out,
                double* sumsq_out);

//! Plain-loop reference of block_sums (same arguments and layout).
void block_sums_ref(const double* values, std::int64_t n_rows, int n_sets, std::int64_t block_bars, double* sum_out,
                    double* sumsq_out);

}  // namespace qg::kernels
