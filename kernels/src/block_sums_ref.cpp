// Plain reference of block_sums: one set and one block at a time.
#include <algorithm>

#include "qg/core/error.hpp"
#include "qg/kernels/block_sums.hpp"

namespace qg::kernels {

void block_sums_ref(const double* values, std::int64_t n_rows, int n_sets, std::int64_t block_bars, double* sum_out,
                    double* sumsq_out) {
  const std::int64_t n_blocks = block_count(n_rows, block_bars);
  if (n_sets < 0) throw KernelError("block_sums_ref: negative n_sets");
  for (int j = 0; j < n_sets; ++j) {
    for (std::int64_t b = 0; b < n_blocks; ++b) {
      double sum = 0.0, sumsq = 0.0;
      for (std::int64_t t = b * block_bars; t < std::min(n_rows, (b + 1) * block_bars); ++t) {
        const double x = values[t * n_sets + j];
        sum += x;
        sumsq += x * x;
      }
      sum_out[j * n_blocks + b] = sum;
      sumsq_out[j * n_blocks + b] = sumsq;
    }
  }
}

}  // namespace qg::kernels
