// Reading a 1-D dataset's rows with its chunks inflated and unshuffled here (chunk_read.hpp). The
// reference is HDF5's own decoding of the same rows (H5Dread through h5::read_range), for every
// pipeline a store can hold, ranges that start, end and cross chunk boundaries, and a chunk stored
// with deflate skipped; the datasets it does not take are left to HDF5, and a damaged chunk is an error.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "chunk_read.hpp"
#include "h5.hpp"
#include "qg/core/error.hpp"
#include "temp_dir.hpp"

namespace qg::results {
namespace {

using testing::TempDir;

constexpr hsize_t kChunk = 1000;

enum class Filters { kShuffleDeflate, kDeflate, kShuffle, kNone, kFletcher };

//! A chunked dataset of `values` (file type `type`, `chunk` rows a chunk) under `name` in `file`.
template <typename T>
h5::Handle write_dataset(hid_t file, const char* name, hid_t type, const std::vector<T>& values, Filters filters,
                         hsize_t chunk = kChunk) {
  const hsize_t dims[1] = {values.size()};
  const hsize_t max[1] = {H5S_UNLIMITED};
  h5::Handle space(H5Screate_simple(1, dims, max));
  h5::Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
  H5Pset_chunk(dcpl.get(), 1, &chunk);
  if (filters == Filters::kShuffleDeflate || filters == Filters::kShuffle) H5Pset_shuffle(dcpl.get());
  if (filters == Filters::kShuffleDeflate || filters == Filters::kDeflate) H5Pset_deflate(dcpl.get(), 1);
  if (filters == Filters::kFletcher) H5Pset_fletcher32(dcpl.get());
  h5::Handle dataset(H5Dcreate2(file, name, type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT));
  EXPECT_GE(H5Dwrite(dataset.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0);
  return dataset;
}

//! Smooth prices (they compress) and a day count, as a store's columns hold.
std::vector<double> prices(std::size_t n) {
  std::vector<double> v(n);
  double p = 100.0;
  for (std::size_t i = 0; i < n; ++i) v[i] = p += 0.01 * static_cast<double>((i * 7919) % 13) - 0.06;
  return v;
}

//! Doubles of random bits (NaNs among them: compared as bytes).
std::vector<double> noise(std::size_t n) {
  std::mt19937_64 rng(42);
  std::vector<double> v(n);
  for (double& x : v) {
    const std::uint64_t bits = rng();
    std::memcpy(&x, &bits, sizeof x);
  }
  return v;
}

bool same_bytes(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

template <typename T>
std::vector<T> through_hdf5(hid_t dataset, hid_t mem_type, hsize_t first, hsize_t n) {
  std::vector<T> out(n);
  h5::read_range(dataset, mem_type, first, n, out.data(), "test");
  return out;
}

template <typename T>
std::vector<T> decoded(hid_t dataset, hid_t mem_type, hsize_t first, hsize_t n) {
  std::vector<T> out(n);
  EXPECT_TRUE(h5::read_range_decoding_chunks(dataset, mem_type, first, n, out.data(), "test"));
  return out;
}

//! Whole, first and last chunks, a range inside one chunk, ranges crossing one and several
//! boundaries, and the partial last chunk (3,517 rows: chunks of 1,000, the last of 517).
const std::vector<std::pair<hsize_t, hsize_t>> kRanges = {{0, 3517}, {0, 1000},   {1000, 1000}, {3000, 517}, {10, 20},
                                                          {990, 20}, {999, 2002}, {2500, 1017}, {3516, 1}};

class ChunkRead : public ::testing::TestWithParam<Filters> {};

TEST_P(ChunkRead, DoublesMatchHdf5sOwnDecoding) {
  TempDir dir;
  h5::Handle file(H5Fcreate((dir.path() / "d.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  const auto values = prices(3517);
  const h5::Handle dataset = write_dataset(file.get(), "close", H5T_IEEE_F64LE, values, GetParam());
  for (const auto& [first, n] : kRanges) {
    SCOPED_TRACE("rows " + std::to_string(first) + " + " + std::to_string(n));
    const auto expected = through_hdf5<double>(dataset.get(), H5T_NATIVE_DOUBLE, first, n);
    ASSERT_EQ(expected, std::vector<double>(values.begin() + static_cast<std::ptrdiff_t>(first),
                                            values.begin() + static_cast<std::ptrdiff_t>(first + n)));
    EXPECT_EQ(decoded<double>(dataset.get(), H5T_NATIVE_DOUBLE, first, n), expected);
  }
}

TEST_P(ChunkRead, FourByteIntegersMatchHdf5sOwnDecoding) {
  TempDir dir;
  h5::Handle file(H5Fcreate((dir.path() / "i.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  std::vector<std::int32_t> days(3517);
  for (std::size_t i = 0; i < days.size(); ++i) days[i] = 18262 + static_cast<std::int32_t>(i + i / 5 * 2);
  const h5::Handle dataset = write_dataset(file.get(), "date", H5T_STD_I32LE, days, GetParam());
  for (const auto& [first, n] : kRanges)
    EXPECT_EQ(decoded<std::int32_t>(dataset.get(), H5T_NATIVE_INT32, first, n),
              through_hdf5<std::int32_t>(dataset.get(), H5T_NATIVE_INT32, first, n));
}

INSTANTIATE_TEST_SUITE_P(Pipelines, ChunkRead,
                         ::testing::Values(Filters::kShuffleDeflate, Filters::kDeflate, Filters::kShuffle,
                                           Filters::kNone));

TEST(ChunkReadStored, ChunksStoredWithDeflateSkippedAreUnshuffledOnly) {
  TempDir dir;
  h5::Handle file(H5Fcreate((dir.path() / "n.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  auto values = prices(4000);
  write_dataset(file.get(), "mixed", H5T_IEEE_F64LE, values, Filters::kShuffleDeflate);  // closed: its chunks written
  const h5::Handle dataset(H5Dopen2(file.get(), "mixed", H5P_DEFAULT));
  // Chunk 3 rewritten as HDF5 stores a chunk whose optional deflate was skipped: shuffled bytes
  // (byte b of row r at b * rows + r), filter mask bit 1 set.
  const auto random = noise(kChunk);
  std::vector<unsigned char> shuffled(kChunk * sizeof(double));
  for (std::size_t r = 0; r < kChunk; ++r)
    for (std::size_t b = 0; b < sizeof(double); ++b)
      shuffled[b * kChunk + r] = reinterpret_cast<const unsigned char*>(&random[r])[b];
  const hsize_t offset[1] = {3000};
  ASSERT_GE(H5Dwrite_chunk(dataset.get(), H5P_DEFAULT, 2U, offset, shuffled.size(), shuffled.data()), 0);
  std::copy(random.begin(), random.end(), values.begin() + 3000);
  ASSERT_TRUE(same_bytes(through_hdf5<double>(dataset.get(), H5T_NATIVE_DOUBLE, 0, 4000), values));
  EXPECT_TRUE(same_bytes(decoded<double>(dataset.get(), H5T_NATIVE_DOUBLE, 0, 4000), values));
  EXPECT_TRUE(same_bytes(decoded<double>(dataset.get(), H5T_NATIVE_DOUBLE, 2500, 1200),
                         through_hdf5<double>(dataset.get(), H5T_NATIVE_DOUBLE, 2500, 1200)));
}

TEST(ChunkReadStored, LeavesOtherDatasetsToHdf5) {
  TempDir dir;
  h5::Handle file(H5Fcreate((dir.path() / "o.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  const auto values = prices(3000);
  std::vector<double> out(100, -1.0);
  // Another filter in the pipeline.
  const h5::Handle fletcher = write_dataset(file.get(), "fletcher", H5T_IEEE_F64LE, values, Filters::kFletcher);
  EXPECT_FALSE(h5::read_range_decoding_chunks(fletcher.get(), H5T_NATIVE_DOUBLE, 0, 100, out.data(), "test"));
  // Stored as another type than the one asked for (HDF5 converts; this path does not).
  const h5::Handle as_float = write_dataset(file.get(), "float", H5T_IEEE_F32LE, values, Filters::kDeflate);
  EXPECT_FALSE(h5::read_range_decoding_chunks(as_float.get(), H5T_NATIVE_DOUBLE, 0, 100, out.data(), "test"));
  // Contiguous.
  const h5::Handle contiguous =
      h5::write_vector(file.get(), "contiguous", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, values.data(), 3000, "test");
  EXPECT_FALSE(h5::read_range_decoding_chunks(contiguous.get(), H5T_NATIVE_DOUBLE, 0, 100, out.data(), "test"));
  // Grown past its written rows: the chunk beyond them was never written.
  const h5::Handle grown = write_dataset(file.get(), "grown", H5T_IEEE_F64LE, values, Filters::kDeflate);
  const hsize_t bigger[1] = {5000};
  ASSERT_GE(H5Dset_extent(grown.get(), bigger), 0);
  EXPECT_FALSE(h5::read_range_decoding_chunks(grown.get(), H5T_NATIVE_DOUBLE, 2900, 1200, out.data(), "test"));
  EXPECT_TRUE(h5::read_range_decoding_chunks(grown.get(), H5T_NATIVE_DOUBLE, 2900, 100, out.data(), "test"));
  EXPECT_EQ(out, std::vector<double>(values.begin() + 2900, values.end()));
}

TEST(ChunkReadStored, ADamagedChunkIsAnErrorNamingItsRow) {
  TempDir dir;
  h5::Handle file(H5Fcreate((dir.path() / "x.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  const h5::Handle dataset = write_dataset(file.get(), "close", H5T_IEEE_F64LE, prices(3000), Filters::kShuffleDeflate);
  // Chunk 1 replaced by bytes that are not a zlib stream, its mask saying both filters ran.
  const std::vector<unsigned char> junk(200, 0xAB);
  const hsize_t offset[1] = {1000};
  ASSERT_GE(H5Dwrite_chunk(dataset.get(), H5P_DEFAULT, 0, offset, junk.size(), junk.data()), 0);
  std::vector<double> out(3000);
  try {
    h5::read_range_decoding_chunks(dataset.get(), H5T_NATIVE_DOUBLE, 0, 3000, out.data(), "x.h5:/close");
    FAIL() << "a damaged chunk was read";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("x.h5:/close: the chunk at row 1000 does not inflate"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace qg::results
