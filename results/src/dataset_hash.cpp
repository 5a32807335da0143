#include "dataset_hash.hpp"

namespace qg::results {

void hash_u64(Sha256& hash, std::uint64_t value) {
  unsigned char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(value >> (8 * i));
  hash.update(bytes, sizeof bytes);
}

DatasetHash::DatasetHash(const std::string& path, hid_t dataset)
    : DatasetHash(of_type(path, h5::Handle(H5Dget_type(dataset)).get())) {}

DatasetHash DatasetHash::of_type(const std::string& path, hid_t file_type) {
  DatasetHash digest;
  digest.hash_.update(path);
  digest.hash_.update("\0", 1);
  hash_u64(digest.hash_, static_cast<std::uint64_t>(H5Tget_class(file_type)));
  hash_u64(digest.hash_, H5Tget_size(file_type));
  return digest;
}

void DatasetHash::update_string(std::string_view value) {
  hash_u64(hash_, value.size());
  hash_.update(value);
}

std::string DatasetHash::finish(const std::vector<hsize_t>& dims) {
  hash_u64(hash_, dims.size());
  for (hsize_t d : dims) hash_u64(hash_, d);
  return hash_.hex();
}

}  // namespace qg::results
