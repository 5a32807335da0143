// SHA-256 compression with the x86 SHA extensions. The instructions keep the working variables in two
// registers, (A,B,E,F) and (C,D,G,H) from the high 32-bit lane down: sha256rnds2 runs two rounds and returns
// the new (A,B,E,F), while the new (C,D,G,H) is the old (A,B,E,F); sha256msg1/msg2 compute the message
// schedule four words at a time. Only the functions marked with the target attribute use these instructions,
// so the rest of the build needs no flag; cpu_has_sha_ni() says whether they may run.
#include "qg/core/sha256_blocks.hpp"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

#include "sha256_round_constants.hpp"

namespace qg {

namespace {

// Four big-endian message words of the block, W[j] in 32-bit lane j.
__attribute__((target("sha,sse4.1"))) __m128i load_words(const unsigned char* bytes) {
  const __m128i swap_bytes = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
  return _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes)), swap_bytes);
}

// W[t..t+3] from w0 = W[t-16..t-13], w1 = W[t-12..t-9], w2 = W[t-8..t-5] and w3 = W[t-4..t-1]: msg1 gives
// W[j] + sigma0(W[j+1]), alignr supplies W[t-7..t-4], and msg2 adds sigma1 of the word two back (for the
// upper two lanes, of the two words it has just formed).
__attribute__((target("sha,sse4.1"))) __m128i next_words(__m128i w0, __m128i w1, __m128i w2, __m128i w3) {
  const __m128i partial = _mm_add_epi32(_mm_sha256msg1_epu32(w0, w1), _mm_alignr_epi8(w3, w2, 4));
  return _mm_sha256msg2_epu32(partial, w3);
}

// Rounds 4*group .. 4*group+3 with the message words `w` of those rounds.
__attribute__((target("sha,sse4.1"))) void four_rounds(__m128i& abef, __m128i& cdgh, __m128i w, std::size_t group) {
  const __m128i k = _mm_load_si128(reinterpret_cast<const __m128i*>(kSha256RoundConstants.data() + 4 * group));
  const __m128i wk = _mm_add_epi32(w, k);
  cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);  // cdgh now holds the new (A,B,E,F), abef the new (C,D,G,H)
  abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));  // lanes 2,3 of wk to lanes 0,1
}

__attribute__((target("sha,sse4.1"))) void compress(__m128i& abef, __m128i& cdgh, const unsigned char* block) {
  const __m128i abef_in = abef;
  const __m128i cdgh_in = cdgh;
  __m128i w0 = load_words(block);
  __m128i w1 = load_words(block + 16);
  __m128i w2 = load_words(block + 32);
  __m128i w3 = load_words(block + 48);
  four_rounds(abef, cdgh, w0, 0);
  four_rounds(abef, cdgh, w1, 1);
  four_rounds(abef, cdgh, w2, 2);
  four_rounds(abef, cdgh, w3, 3);
  for (std::size_t group = 4; group < 16; group += 4) {
    w0 = next_words(w0, w1, w2, w3);
    four_rounds(abef, cdgh, w0, group);
    w1 = next_words(w1, w2, w3, w0);
    four_rounds(abef, cdgh, w1, group + 1);
    w2 = next_words(w2, w3, w0, w1);
    four_rounds(abef, cdgh, w2, group + 2);
    w3 = next_words(w3, w0, w1, w2);
    four_rounds(abef, cdgh, w3, group + 3);
  }
  abef = _mm_add_epi32(abef, abef_in);
  cdgh = _mm_add_epi32(cdgh, cdgh_in);
}

__m128i pack(std::uint32_t high, std::uint32_t second, std::uint32_t third, std::uint32_t low) {
  return _mm_set_epi32(static_cast<int>(high), static_cast<int>(second), static_cast<int>(third),
                       static_cast<int>(low));
}

__attribute__((target("sha,sse4.1"))) void compress_blocks(Sha256State& state, const unsigned char* blocks,
                                                           std::size_t count) {
  __m128i abef = pack(state[0], state[1], state[4], state[5]);
  __m128i cdgh = pack(state[2], state[3], state[6], state[7]);
  for (std::size_t i = 0; i < count; ++i) compress(abef, cdgh, blocks + 64 * i);
  alignas(16) std::array<std::uint32_t, 4> lanes{};
  _mm_store_si128(reinterpret_cast<__m128i*>(lanes.data()), abef);
  state[0] = lanes[3];
  state[1] = lanes[2];
  state[4] = lanes[1];
  state[5] = lanes[0];
  _mm_store_si128(reinterpret_cast<__m128i*>(lanes.data()), cdgh);
  state[2] = lanes[3];
  state[3] = lanes[2];
  state[6] = lanes[1];
  state[7] = lanes[0];
}

}  // namespace

void sha256_blocks_shani(Sha256State& state, const unsigned char* blocks, std::size_t count) {
  compress_blocks(state, blocks, count);
}

bool cpu_has_sha_ni() {
  // CPUID rather than __builtin_cpu_supports("sha"), which Clang 14 does not know.
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0 || (ecx & bit_SSE4_1) == 0) return false;
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) return false;
  return (ebx & bit_SHA) != 0;
}

}  // namespace qg

#else

namespace qg {

void sha256_blocks_shani(Sha256State& state, const unsigned char* blocks, std::size_t count) {
  sha256_blocks_ref(state, blocks, count);
}

bool cpu_has_sha_ni() { return false; }

}  // namespace qg

#endif
