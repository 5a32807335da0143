// Moving-block bootstrap (bootstrap.hpp).
#include "qg/kernels/ml/bootstrap.hpp"

#include <Random123/philox.h>

#include <algorithm>
#include <cmath>

#include "qg/core/error.hpp"

namespace qg::kernels::ml {
namespace {

//! A uniform in (0, 1) from the first 64 bits of the Philox block of (seed, member, block).
double uniform(std::uint64_t seed, std::uint32_t member, std::uint64_t block) {
  using Rng = r123::Philox4x32;
  const Rng::ctr_type ctr = {{member, static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32), 0}};
  const Rng::key_type key = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  const Rng::ctr_type out = Rng()(ctr, key);
  const std::uint64_t bits = (static_cast<std::uint64_t>(out.v[0]) << 21) ^ (out.v[1] >> 11);
  return (static_cast<double>(bits) + 0.5) * 0x1.0p-53;
}

}  // namespace

std::vector<IndexRange> block_bootstrap(std::int64_t n, std::int64_t block_size, std::uint64_t seed,
                                        std::uint32_t member) {
  if (block_size < 1 || block_size > n) throw KernelError("block_bootstrap: needs 1 <= block_size <= n");
  const std::int64_t starts = n - block_size + 1;
  std::vector<IndexRange> out;
  std::int64_t total = 0;
  for (std::uint64_t b = 0; total < n; ++b) {
    const auto s =
        std::min(starts - 1, static_cast<std::int64_t>(uniform(seed, member, b) * static_cast<double>(starts)));
    const std::int64_t len = std::min(block_size, n - total);
    out.push_back({s, s + len});
    total += len;
  }
  return out;
}

}  // namespace qg::kernels::ml
