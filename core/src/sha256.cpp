#include "qg/core/sha256.hpp"

#include <fstream>
#include <vector>

#include "qg/core/error.hpp"

namespace qg {

namespace {
void ensure_sodium() {
  // sodium_init is idempotent but not free; a function-local static makes it once per process.
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw InternalError("libsodium failed to initialise");
}
}  // namespace

Sha256::Sha256() {
  ensure_sodium();
  crypto_hash_sha256_init(&state_);
}

void Sha256::update(const void* data, std::size_t size) {
  crypto_hash_sha256_update(&state_, static_cast<const unsigned char*>(data), size);
}

std::string Sha256::hex() {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state_, digest);
  char text[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(text, sizeof text, digest, sizeof digest);
  return text;
}

std::string sha256_hex(std::string_view bytes) {
  Sha256 hash;
  hash.update(bytes);
  return hash.hex();
}

std::string sha256_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path.string() + ": cannot open for reading");
  Sha256 hash;
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    hash.update(buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw IoError(path.string() + ": read error");
  return hash.hex();
}

}  // namespace qg
