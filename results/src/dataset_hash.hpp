#pragma once
// The per-dataset digest of a run file, stored as the dataset's string attribute `sha256`:
// SHA-256 over the dataset's full path, a NUL, its type class and element size, then its data
// exactly as RunReader::datasets_digest() hashes it (stored bytes in element order; variable-
// length strings as length and bytes of each), then its rank and dimensions. The shape comes
// last so that a table written chunk by chunk is hashed as it is written, with the same result
// as one written at once. Integers are hashed as 8 little-endian bytes (docs/hdf5-schema.md).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "h5.hpp"
#include "qg/core/sha256.hpp"

namespace qg::results {

//! Name of the dataset attribute that holds the per-dataset digest.
inline constexpr const char* kDatasetDigestAttribute = "sha256";

//! Feeds `value` to `hash` as 8 little-endian bytes.
void hash_u64(Sha256& hash, std::uint64_t value);

//! Streaming per-dataset digest; finish() may be called once.
class DatasetHash {
 public:
  //! Starts the digest of the dataset at `path` ("/sweep/sharpe") with its file type's class
  //! and element size.
  DatasetHash(const std::string& path, hid_t dataset);
  //! The same digest started from a file type (H5T_IEEE_F64LE, ...) before the dataset exists.
  static DatasetHash of_type(const std::string& path, hid_t file_type);
  //! Stored bytes of the next elements.
  void update(const void* data, std::size_t size) { hash_.update(data, size); }
  //! The next variable-length string.
  void update_string(std::string_view value);
  //! Lowercase hex digest, given the dataset's final dimensions.
  std::string finish(const std::vector<hsize_t>& dims);

 private:
  DatasetHash() = default;
  Sha256 hash_;
};

}  // namespace qg::results
