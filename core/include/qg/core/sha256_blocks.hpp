#pragma once
// SHA-256 compression (FIPS 180-4 section 6.2.2) over whole 64-byte blocks, in two forms that give the same
// result: a plain loop (the reference) and one with the x86 SHA extensions. Pure functions over the eight
// hash words; Sha256 does the buffering, the padding and the choice between the forms.
#include <array>
#include <cstddef>
#include <cstdint>

namespace qg {

//! The eight working hash words H0..H7 of FIPS 180-4.
using Sha256State = std::array<std::uint32_t, 8>;

//! Folds `count` consecutive 64-byte blocks at `blocks` into `state`, one plain round loop per block.
void sha256_blocks_ref(Sha256State& state, const unsigned char* blocks, std::size_t count);

//! sha256_blocks_ref with the SHA-NI instructions. Call only where cpu_has_sha_ni() is true; off x86-64
//! it is the reference.
void sha256_blocks_shani(Sha256State& state, const unsigned char* blocks, std::size_t count);

//! True when this CPU runs sha256_blocks_shani (SHA extensions and SSE4.1); always false off x86-64.
bool cpu_has_sha_ni();

}  // namespace qg
