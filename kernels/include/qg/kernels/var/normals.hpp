#pragma once
// Counter-based standard normals for Monte Carlo VaR.
//
// Philox4x32-10 (Random123) keyed by the job seed; the counter is (pair j, row, batch, stream),
// so the value in row `row`, column `col` of a batch depends only on (seed, batch, stream, row,
// col): never on how rows are grouped into blocks, on threads or on ranks. Each Philox output
// (4 x 32 bits) makes two 53-bit uniforms u1, u2 in (0, 1) and Box-Muller turns them into
// columns 2j and 2j+1: sqrt(-2 ln u1) * (cos 2 pi u2, sin 2 pi u2).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace qg::kernels::var {

//! Which random stream of which batch.
struct StreamKey {
  std::uint64_t seed = 0;
  std::uint64_t batch = 0;   // below 2^48
  std::uint32_t stream = 0;  // below 2^16
};

//! Streams of a scenario batch.
inline constexpr std::uint32_t kShockStream = 0;  // the asset shocks
inline constexpr std::uint32_t kChi2Stream = 1;   // the chi-square mixing variable of Student t
inline constexpr std::uint32_t kIndexStream = 2;  // bootstrap row draws

//! Reusable buffers of fill_normals (one per thread).
struct NormalScratch {
  std::vector<std::uint32_t> c0, c1, c2, c3;
  std::vector<double> z;
};

//! Standard normals of rows [first_row, first_row + rows), `cols` per row, row-major into `out`.
void fill_normals(const StreamKey& key, std::uint64_t first_row, std::size_t rows, std::size_t cols, double* out,
                  NormalScratch& scratch);
//! The same through Random123's philox4x32 and std::log/cos/sin, one pair at a time (reference).
void fill_normals_ref(const StreamKey& key, std::uint64_t first_row, std::size_t rows, std::size_t cols, double* out);

//! One uniform in (0, 1) per row (the u1 of pair 0 of that row), for bootstrap draws.
void fill_uniforms(const StreamKey& key, std::uint64_t first_row, std::size_t rows, double* out);

}  // namespace qg::kernels::var
