#include "qg/core/sha256.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <memory>
#include <vector>

#include "qg/core/error.hpp"
#include "qg/core/sha256_backend.hpp"

namespace qg {

namespace {
void ensure_sodium() {
  // sodium_init is idempotent but not free; a function-local static makes it once per process.
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw InternalError("libsodium failed to initialise");
}

// FIPS 180-4 section 5.3.3: the first 32 bits of the fractional parts of the square roots of the first 8 primes.
constexpr Sha256State kInitialHash = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

std::string lowercase_hex(const std::array<unsigned char, 32>& digest) {
  static constexpr std::string_view kDigits = "0123456789abcdef";
  std::string text;
  text.reserve(2 * digest.size());
  for (const unsigned char byte : digest) {
    text += kDigits[byte >> 4];
    text += kDigits[byte & 0x0f];
  }
  return text;
}
}  // namespace

Sha256::Sha256() : sha_ni_(sha256_backend() == Sha256Backend::sha_ni) {
  if (sha_ni_) {
    state_ = kInitialHash;
    return;
  }
  ensure_sodium();
  crypto_hash_sha256_init(&sodium_);
}

void Sha256::update(const void* data, std::size_t size) {
  if (sha_ni_)
    update_sha_ni(static_cast<const unsigned char*>(data), size);
  else
    crypto_hash_sha256_update(&sodium_, static_cast<const unsigned char*>(data), size);
}

void Sha256::update_sha_ni(const unsigned char* bytes, std::size_t size) {
  if (size == 0) return;
  total_size_ += size;
  if (pending_size_ > 0) {  // top up the unfinished block first
    const std::size_t taken = std::min(size, kBlockSize - pending_size_);
    std::memcpy(pending_.data() + pending_size_, bytes, taken);
    pending_size_ += taken;
    bytes += taken;
    size -= taken;
    if (pending_size_ < kBlockSize) return;
    sha256_blocks_shani(state_, pending_.data(), 1);
    pending_size_ = 0;
  }
  const std::size_t blocks = size / kBlockSize;
  sha256_blocks_shani(state_, bytes, blocks);
  pending_size_ = size - blocks * kBlockSize;
  std::memcpy(pending_.data(), bytes + blocks * kBlockSize, pending_size_);
}

std::array<unsigned char, 32> Sha256::finish_sha_ni() {
  // FIPS 180-4 section 5.1.1: a 1 bit, zeros up to 56 mod 64 bytes, the message length in bits, big-endian.
  std::array<unsigned char, 2 * kBlockSize> tail{};
  std::memcpy(tail.data(), pending_.data(), pending_size_);
  tail[pending_size_] = 0x80;
  const std::size_t tail_size = pending_size_ + 9 <= kBlockSize ? kBlockSize : 2 * kBlockSize;
  const std::uint64_t bits = total_size_ * 8;
  for (std::size_t i = 0; i < 8; ++i) tail[tail_size - 1 - i] = static_cast<unsigned char>(bits >> (8 * i));
  sha256_blocks_shani(state_, tail.data(), tail_size / kBlockSize);
  std::array<unsigned char, 32> digest{};
  for (std::size_t i = 0; i < digest.size(); ++i)
    digest[i] = static_cast<unsigned char>(state_[i / 4] >> (24 - 8 * (i % 4)));
  return digest;
}

std::array<unsigned char, 32> Sha256::finish_sodium() {
  std::array<unsigned char, 32> digest{};
  static_assert(crypto_hash_sha256_BYTES == 32);
  crypto_hash_sha256_final(&sodium_, digest.data());
  return digest;
}

std::string Sha256::hex() { return lowercase_hex(sha_ni_ ? finish_sha_ni() : finish_sodium()); }

std::string sha256_hex(std::string_view bytes) {
  Sha256 hash;
  hash.update(bytes);
  return hash.hex();
}

std::string sha256_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path.string() + ": cannot open for reading");
  Sha256 hash;
  constexpr std::size_t kBuffer = std::size_t{1} << 20;
  // Not zero-filled first: a small file (a store of one symbol) touches few pages of it.
  const auto buffer = std::make_unique_for_overwrite<char[]>(kBuffer);
  while (in) {
    in.read(buffer.get(), static_cast<std::streamsize>(kBuffer));
    hash.update(buffer.get(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw IoError(path.string() + ": read error");
  return hash.hex();
}

}  // namespace qg
