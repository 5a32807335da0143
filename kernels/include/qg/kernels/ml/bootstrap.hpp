#pragma once
// Resampling of time-ordered samples for ensemble members (docs/train.md).
#include <cstdint>
#include <vector>

#include "qg/kernels/ml/cv_splits.hpp"

namespace qg::kernels::ml {

//! Moving-block bootstrap of n samples (Kunsch 1989): ceil(n / b) blocks [s, s + b) in draw
//! order, each start s = floor(u (n - b + 1)) for a uniform u in (0, 1) with 53 random bits from
//! Philox4x32-10 keyed by `seed`, counter (member, block, 0, 0); the last block is cut so that
//! the blocks hold exactly n samples. A member's blocks depend only on (seed, member).
//! KernelError unless 1 <= block_size <= n.
std::vector<IndexRange> block_bootstrap(std::int64_t n, std::int64_t block_size, std::uint64_t seed,
                                        std::uint32_t member);

}  // namespace qg::kernels::ml
