#pragma once
// The standardised live net returns of the correlation blocks (every 10th parameter set, 256 sets
// a block) that N_eff's block-pair tasks multiply. Each block enters b pair tasks; a worker keeps
// each block it has computed, so positions and net returns are computed once per block and
// process instead of once per pair. Kept only while the whole table fits `max_bytes`
// (O(bars x sets / 10) memory); past that every request computes its block afresh.
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace qg::jobs {

class CorrelationCache {
 public:
  //! Column-major live x sets, rounded to float (the product is single precision); `varying`
  //! counts the columns with a non-zero variance.
  struct Block {
    std::vector<float> columns;
    std::size_t sets = 0;
    std::size_t varying = 0;
  };
  using Compute = std::function<Block(std::size_t)>;

  //! `n_blocks` blocks needing `table_bytes` in all; kept when table_bytes <= max_bytes.
  CorrelationCache(std::size_t n_blocks, std::size_t table_bytes, std::size_t max_bytes);

  //! Block b: computed by `compute` on the first request (concurrent requests wait for it),
  //! then shared; computed on every request when the table does not fit.
  std::shared_ptr<const Block> get(std::size_t b, const Compute& compute);

 private:
  bool keep_;
  std::vector<std::once_flag> once_;
  std::vector<std::shared_ptr<const Block>> blocks_;
};

}  // namespace qg::jobs
