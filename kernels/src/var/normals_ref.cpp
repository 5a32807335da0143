// Reference normals: Random123's Philox and libm, one counter at a time. The vectorised
// fill_normals is tested against this.
#include <Random123/philox.h>

#include <cmath>
#include <numbers>

#include "qg/kernels/var/normals.hpp"

namespace qg::kernels::var {
namespace {

using Rng = r123::Philox4x32;

Rng::ctr_type counter(const StreamKey& key, std::uint32_t pair, std::uint64_t row) {
  return {{pair, static_cast<std::uint32_t>(row), static_cast<std::uint32_t>(key.batch),
           static_cast<std::uint32_t>(((key.batch >> 32) & 0xFFFFu) << 16) | key.stream}};
}

Rng::key_type rng_key(const StreamKey& key) {
  return {{static_cast<std::uint32_t>(key.seed), static_cast<std::uint32_t>(key.seed >> 32)}};
}

double to_unit(std::uint32_t hi, std::uint32_t lo) {
  const std::uint64_t bits = (static_cast<std::uint64_t>(hi) << 21) ^ (lo >> 11);
  return (static_cast<double>(bits) + 0.5) * 0x1.0p-53;
}

}  // namespace

void fill_normals_ref(const StreamKey& key, std::uint64_t first_row, std::size_t rows, std::size_t cols, double* out) {
  const Rng rng;
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; c += 2) {
      const auto w = rng(counter(key, static_cast<std::uint32_t>(c / 2), first_row + r), rng_key(key));
      const double u1 = to_unit(w.v[0], w.v[1]), u2 = to_unit(w.v[2], w.v[3]);
      const double radius = std::sqrt(-2.0 * std::log(u1));
      out[r * cols + c] = radius * std::cos(2.0 * std::numbers::pi * u2);
      if (c + 1 < cols) out[r * cols + c + 1] = radius * std::sin(2.0 * std::numbers::pi * u2);
    }
  }
}

void fill_uniforms(const StreamKey& key, std::uint64_t first_row, std::size_t rows, double* out) {
  const Rng rng;
  for (std::size_t r = 0; r < rows; ++r) {
    const auto w = rng(counter(key, 0, first_row + r), rng_key(key));
    out[r] = to_unit(w.v[0], w.v[1]);
  }
}

}  // namespace qg::kernels::var
