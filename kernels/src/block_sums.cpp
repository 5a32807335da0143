// Per-block sums: within a block, rows are added in order into one accumulator per set, so the
// inner loop runs over contiguous sets and vectorizes; each block's totals are then written to
// the set-major outputs.
#include "qg/kernels/block_sums.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "qg/core/error.hpp"

namespace qg::kernels {
namespace {

//! Adds rows [first, last) of `values` to `sum` and their squares to `sumsq` (n_sets each).
void accumulate_rows(const double* values, std::int64_t first, std::int64_t last, int n_sets, double* sum,
                     double* sumsq) {
  for (std::int64_t t = first; t < last; ++t) {
    const double* row = values + t * n_sets;
    for (int j = 0; j < n_sets; ++j) {
      sum[j] += row[j];
      sumsq[j] += row[j] * row[j];
    }
  }
}

}  // namespace

std::int64_t block_count(std::int64_t n_rows, std::int64_t block_bars) {
  if (block_bars < 1) throw KernelError("block_sums: block length below 1: " + std::to_string(block_bars));
  if (n_rows < 0) throw KernelError("block_sums: negative row count");
  return (n_rows + block_bars - 1) / block_bars;
}

void block_sums(const double* values, std::int64_t n_rows, int n_sets, std::int64_t block_bars, double* sum_out,
                double* sumsq_out) {
  const std::int64_t n_blocks = block_count(n_rows, block_bars);
  if (n_sets < 0) throw KernelError("block_sums: negative n_sets");
  std::vector<double> sum(static_cast<std::size_t>(n_sets)), sumsq(sum.size());
  for (std::int64_t b = 0; b < n_blocks; ++b) {
    std::fill(sum.begin(), sum.end(), 0.0);
    std::fill(sumsq.begin(), sumsq.end(), 0.0);
    accumulate_rows(values, b * block_bars, std::min(n_rows, (b + 1) * block_bars), n_sets, sum.data(), sumsq.data());
    for (int j = 0; j < n_sets; ++j) {
      sum_out[j * n_blocks + b] = sum[j];
      sumsq_out[j * n_blocks + b] = sumsq[j];
    }
  }
}

}  // namespace qg::kernels
