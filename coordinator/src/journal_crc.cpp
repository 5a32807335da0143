#include "qg/coordinator/journal_crc.hpp"

#include <immintrin.h>
#include <zlib.h>

namespace qg::coordinator {
namespace {

// Folding constants of the reflected polynomial 0x104C11DB7 (x^(4*128+32) mod P, x^(4*128-32)
// mod P, ... as in Intel's "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ"), and
// the Barrett reduction's polynomial and its quotient.
alignas(16) constexpr std::uint64_t kFold4[2] = {0x0154442bd4, 0x01c6e41596};
alignas(16) constexpr std::uint64_t kFold1[2] = {0x01751997d0, 0x00ccaa009e};
alignas(16) constexpr std::uint64_t kFold64[2] = {0x0163cd6124, 0};
alignas(16) constexpr std::uint64_t kBarrett[2] = {0x01db710641, 0x01f7011641};

std::uint32_t zlib_crc(std::uint32_t crc, const char* p, std::size_t n) {
  if (n == 0) return crc;  // zlib answers a null buffer with the initial value, 0
  return static_cast<std::uint32_t>(crc32_z(crc, reinterpret_cast<const Bytef*>(p), static_cast<z_size_t>(n)));
}

__attribute__((target("pclmul,sse4.1"))) __m128i fold(__m128i x, __m128i k, __m128i next) {
  const __m128i lo = _mm_clmulepi64_si128(x, k, 0x00);
  const __m128i hi = _mm_clmulepi64_si128(x, k, 0x11);
  return _mm_xor_si128(_mm_xor_si128(hi, lo), next);
}

//! The CRC of `n` bytes (n >= 64, a multiple of 16) from the pre-inverted `crc`, still inverted.
__attribute__((target("pclmul,sse4.1"))) std::uint32_t fold_blocks(std::uint32_t crc, const char* p, std::size_t n) {
  auto load = [](const char* at) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(at)); };
  __m128i x1 = _mm_xor_si128(load(p), _mm_cvtsi32_si128(static_cast<int>(crc)));
  __m128i x2 = load(p + 16), x3 = load(p + 32), x4 = load(p + 48);
  __m128i k = _mm_load_si128(reinterpret_cast<const __m128i*>(kFold4));
  for (p += 64, n -= 64; n >= 64; p += 64, n -= 64) {
    x1 = fold(x1, k, load(p));
    x2 = fold(x2, k, load(p + 16));
    x3 = fold(x3, k, load(p + 32));
    x4 = fold(x4, k, load(p + 48));
  }
  k = _mm_load_si128(reinterpret_cast<const __m128i*>(kFold1));
  x1 = fold(fold(fold(x1, k, x2), k, x3), k, x4);
  for (; n >= 16; p += 16, n -= 16) x1 = fold(x1, k, load(p));
  // 128 bits to 64, then the Barrett reduction to 32.
  const __m128i mask32 = _mm_setr_epi32(-1, 0, -1, 0);
  x1 = _mm_xor_si128(_mm_srli_si128(x1, 8), _mm_clmulepi64_si128(x1, k, 0x10));
  k = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(kFold64));
  x1 = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x1, mask32), k, 0x00), _mm_srli_si128(x1, 4));
  k = _mm_load_si128(reinterpret_cast<const __m128i*>(kBarrett));
  __m128i t = _mm_clmulepi64_si128(_mm_and_si128(x1, mask32), k, 0x10);
  t = _mm_clmulepi64_si128(_mm_and_si128(t, mask32), k, 0x00);
  return static_cast<std::uint32_t>(_mm_extract_epi32(_mm_xor_si128(x1, t), 1));
}

bool cpu_has_pclmul() {
  static const bool has = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
  return has;
}

}  // namespace

std::uint32_t journal_crc(std::uint32_t crc, std::span<const char> bytes) {
  const char* p = bytes.data();
  std::size_t n = bytes.size();
  if (n >= 64 && cpu_has_pclmul()) {
    const std::size_t folded = n & ~std::size_t{15};
    crc = ~fold_blocks(~crc, p, folded);
    p += folded;
    n -= folded;
  }
  return zlib_crc(crc, p, n);
}

std::uint32_t journal_crc_ref(std::uint32_t crc, std::span<const char> bytes) {
  crc = ~crc;
  for (const char c : bytes) {
    crc ^= static_cast<unsigned char>(c);
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

}  // namespace qg::coordinator
