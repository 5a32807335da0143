#pragma once
// How a data-parallel fit adds its row blocks' partial sums (kernels/ml/fit_blocks.hpp) across
// the processes that hold them. The total is always added block by block in block order,
// starting from zero, so it is the same bits whichever process holds which blocks.
#include <cstddef>
#include <span>
#include <vector>

namespace qg::jobs {

class BlockReduction {
 public:
  virtual ~BlockReduction() = default;
  //! `mine`: this process's blocks' sums, in block order, `width` doubles each (its shard's
  //! blocks, contiguous and ascending across processes by rank). Returns the total over every
  //! block of every process, on every process. Collective: every process calls it in step.
  virtual std::vector<double> sum_blocks(std::span<const double> mine, std::size_t width) = 0;
};

//! One process holding every block.
class LocalBlockReduction final : public BlockReduction {
 public:
  std::vector<double> sum_blocks(std::span<const double> mine, std::size_t width) override;
};

//! The sum of consecutive `width`-double blocks, added in block order from zero.
std::vector<double> add_in_block_order(std::span<const double> blocks, std::size_t width);

}  // namespace qg::jobs
