#pragma once
// SHA-256: incremental for file and dataset digests that must stay bounded in memory, and one-shot helpers
// for bytes and files. Lowercase hex everywhere. Runs on the CPU's SHA extensions where it has them
// (sha256_blocks_shani) and on libsodium's portable code otherwise (sha256_backend.hpp).
#include <sodium.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "qg/core/sha256_blocks.hpp"

namespace qg {

//! Streaming SHA-256; hex() finalises and may be called once.
class Sha256 {
 public:
  Sha256();
  void update(const void* data, std::size_t size);
  void update(std::string_view text) { update(text.data(), text.size()); }
  //! Lowercase hex digest of everything fed so far.
  std::string hex();

 private:
  static constexpr std::size_t kBlockSize = 64;
  void update_sha_ni(const unsigned char* bytes, std::size_t size);
  std::array<unsigned char, 32> finish_sha_ni();
  std::array<unsigned char, 32> finish_sodium();

  bool sha_ni_ = false;
  // SHA-NI form: the hash words, the bytes of an unfinished block and the total length.
  Sha256State state_{};
  std::array<unsigned char, kBlockSize> pending_{};
  std::size_t pending_size_ = 0;
  std::uint64_t total_size_ = 0;
  // libsodium form.
  crypto_hash_sha256_state sodium_{};
};

//! Lowercase hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);
//! Lowercase hex SHA-256 of a file's bytes, read in 1 MiB pieces. IoError when unreadable.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace qg
