#include "qg/jobs/block_reduction.hpp"

#include "qg/core/error.hpp"

namespace qg::jobs {

std::vector<double> add_in_block_order(std::span<const double> blocks, std::size_t width) {
  QG_CHECK(width > 0 && blocks.size() % width == 0, "block sums are not a whole number of blocks");
  std::vector<double> total(width, 0.0);
  for (std::size_t at = 0; at < blocks.size(); at += width)
    for (std::size_t k = 0; k < width; ++k) total[k] += blocks[at + k];
  return total;
}

std::vector<double> LocalBlockReduction::sum_blocks(std::span<const double> mine, std::size_t width) {
  return add_in_block_order(mine, width);
}

}  // namespace qg::jobs
