#pragma once
// SHA-256 (libsodium): incremental for file and dataset digests that must stay bounded in
// memory, and one-shot helpers for bytes and files. Lowercase hex everywhere.
#include <sodium.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

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
  crypto_hash_sha256_state state_{};
};

//! Lowercase hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);
//! Lowercase hex SHA-256 of a file's bytes, read in 1 MiB pieces. IoError when unreadable.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace qg
