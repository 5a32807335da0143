#pragma once
// Incremental SHA-256 (libsodium), private to qg::results: the file and dataset digests feed
// it piece by piece so memory stays bounded.
#include <sodium.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace qg::results {

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

}  // namespace qg::results
