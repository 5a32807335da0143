// Per-dataset digests: stored by the writer as attribute `sha256`, checked by
// RunReader::check_datasets(). Expected digests are built here independently, by concatenating
// the documented fields (docs/hdf5-schema.md) and hashing them with sha256_hex.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "qg/core/sha256.hpp"
#include "qg/results/run_file.hpp"
#include "temp_dir.hpp"

namespace qg::results {
namespace {

using testing::TempDir;
using Status = DatasetCheck::Status;

std::string u64_bytes(std::uint64_t value) {
  std::string bytes;
  for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>(value >> (8 * i)));
  return bytes;
}

//! The documented digest of a 1-D float64 dataset, from a plain concatenation.
std::string expected_f64_digest(const std::string& path, const std::vector<double>& values) {
  std::string bytes = path + std::string(1, '\0') + u64_bytes(H5T_FLOAT) + u64_bytes(8);
  for (double v : values) bytes.append(reinterpret_cast<const char*>(&v), sizeof v);  // little-endian host
  return sha256_hex(bytes + u64_bytes(1) + u64_bytes(values.size()));
}

std::string stored_digest(const std::filesystem::path& file, const std::string& dataset) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t d = H5Dopen2(f, dataset.c_str(), H5P_DEFAULT);
  const hid_t a = H5Aopen(d, "sha256", H5P_DEFAULT);
  const hid_t type = H5Aget_type(a);
  char* text = nullptr;
  std::string value;
  if (H5Tis_variable_str(type) > 0 && H5Aread(a, type, &text) >= 0 && text != nullptr) value = text;
  H5free_memory(text);
  H5Tclose(type);
  H5Aclose(a);
  H5Dclose(d);
  H5Fclose(f);
  return value;
}

//! A table of two columns, a string dataset and a whole float64 dataset.
void write_run(const std::filesystem::path& path) {
  auto file = RunFile::create(path);
  TableWriter& table =
      file->create_table("/sweep", {{"combo", ColumnType::kInt64}, {"metrics/x", ColumnType::kFloat64}});
  for (int i = 0; i < 1000; ++i) table.append(std::vector<double>{double(i), 0.25 * i});
  file->write_strings("/sweep/symbols", {"A", "BC"});
  file->write_doubles("/extra/values", std::vector<double>{1.5, -2.0});
  file->commit();
}

//! Adds `delta` to element `index` of a float64 dataset, leaving its attributes as they are.
void change_value(const std::filesystem::path& file, const std::string& dataset, hsize_t index, double delta) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  const hid_t d = H5Dopen2(f, dataset.c_str(), H5P_DEFAULT);
  const hid_t space = H5Dget_space(d);
  H5Sselect_elements(space, H5S_SELECT_SET, 1, &index);
  const hsize_t one = 1;
  const hid_t mem = H5Screate_simple(1, &one, nullptr);
  double value = 0;
  ASSERT_GE(H5Dread(d, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, &value), 0);
  value += delta;
  ASSERT_GE(H5Dwrite(d, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, &value), 0);
  H5Sclose(mem);
  H5Sclose(space);
  H5Dclose(d);
  H5Fclose(f);
}

std::vector<std::string> with_status(const DatasetsCheck& check, Status status) {
  std::vector<std::string> paths;
  for (const auto& d : check.datasets)
    if (d.status == status) paths.push_back(d.path);
  return paths;
}

TEST(DatasetDigest, StoredDigestFollowsTheDocumentedLayout) {
  TempDir dir;
  write_run(dir / "r.h5");
  EXPECT_EQ(stored_digest(dir / "r.h5", "/extra/values"), expected_f64_digest("/extra/values", {1.5, -2.0}));
  std::vector<double> x;
  for (int i = 0; i < 1000; ++i) x.push_back(0.25 * i);
  EXPECT_EQ(stored_digest(dir / "r.h5", "/sweep/metrics/x"), expected_f64_digest("/sweep/metrics/x", x));
}

TEST(DatasetDigest, StringDigestHashesLengthAndBytes) {
  TempDir dir;
  write_run(dir / "r.h5");
  const hid_t f = H5Fopen((dir / "r.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t d = H5Dopen2(f, "/sweep/symbols", H5P_DEFAULT);
  const hid_t type = H5Dget_type(d);
  const std::size_t size = H5Tget_size(type);
  H5Tclose(type);
  H5Dclose(d);
  H5Fclose(f);
  const std::string bytes = "/sweep/symbols" + std::string(1, '\0') + u64_bytes(H5T_STRING) + u64_bytes(size) +
                            u64_bytes(1) + "A" + u64_bytes(2) + "BC" + u64_bytes(1) + u64_bytes(2);
  EXPECT_EQ(stored_digest(dir / "r.h5", "/sweep/symbols"), sha256_hex(bytes));
}

TEST(DatasetDigest, TableWrittenInChunksDigestsLikeOneWrittenAtOnce) {
  // Three flushes of 65536 rows and a tail, appended in uneven pieces.
  const std::size_t rows = 3 * 65536 + 123;
  std::vector<double> values(rows);
  for (std::size_t i = 0; i < rows; ++i) values[i] = 1.0 / static_cast<double>(i + 1);
  TempDir dir;
  {
    auto file = RunFile::create(dir / "chunked.h5");
    TableWriter& table = file->create_table("/t", {{"x", ColumnType::kFloat64}});
    for (std::size_t first = 0; first < rows; first += 7001)
      table.append(std::span<const double>(values).subspan(first, std::min<std::size_t>(7001, rows - first)));
    file->commit();
  }
  {
    auto file = RunFile::create(dir / "once.h5");
    file->write_doubles("/t/x", values);
    file->commit();
  }
  const std::string expected = expected_f64_digest("/t/x", values);
  EXPECT_EQ(stored_digest(dir / "chunked.h5", "/t/x"), expected);
  EXPECT_EQ(stored_digest(dir / "once.h5", "/t/x"), expected);
}

TEST(DatasetDigest, FreshFileChecksOkWithTheUsualDigest) {
  TempDir dir;
  write_run(dir / "r.h5");
  const auto reader = RunReader::open(dir / "r.h5");
  const DatasetsCheck check = reader->check_datasets();
  EXPECT_EQ(check.digest, reader->datasets_digest());
  EXPECT_EQ(with_status(check, Status::kOk),
            (std::vector<std::string>{"/extra/values", "/sweep/combo", "/sweep/metrics/x", "/sweep/symbols"}));
  EXPECT_EQ(check.count(Status::kOk), 4u);
}

TEST(DatasetDigest, ChangedValueIsNamed) {
  TempDir dir;
  write_run(dir / "r.h5");
  std::filesystem::copy_file(dir / "r.h5", dir / "bad.h5");
  change_value(dir / "bad.h5", "/sweep/metrics/x", 500, 1.0);
  const DatasetsCheck check = RunReader::open(dir / "bad.h5")->check_datasets();
  EXPECT_EQ(with_status(check, Status::kMismatch), std::vector<std::string>{"/sweep/metrics/x"});
  EXPECT_EQ(check.count(Status::kOk), 3u);
  EXPECT_NE(check.digest, RunReader::open(dir / "r.h5")->datasets_digest());
}

TEST(DatasetDigest, FlippedLowBitIsNamed) {
  // The smallest change a double can take: 0.25 * 7 = 1.75 lies in [1, 2), where one ulp is
  // 2^-52, so adding it flips bit 0 of the mantissa.
  TempDir dir;
  write_run(dir / "r.h5");
  change_value(dir / "r.h5", "/sweep/metrics/x", 7, 0x1p-52);
  const DatasetsCheck check = RunReader::open(dir / "r.h5")->check_datasets();
  EXPECT_EQ(with_status(check, Status::kMismatch), std::vector<std::string>{"/sweep/metrics/x"});
}

TEST(DatasetDigest, FileWithoutDigestsReportsThemMissing) {
  TempDir dir;
  write_run(dir / "r.h5");
  const std::string before = RunReader::open(dir / "r.h5")->datasets_digest();
  const hid_t f = H5Fopen((dir / "r.h5").c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  for (const char* name : {"/extra/values", "/sweep/combo", "/sweep/metrics/x", "/sweep/symbols"})
    ASSERT_GE(H5Adelete_by_name(f, name, "sha256", H5P_DEFAULT), 0) << name;
  H5Fclose(f);
  const DatasetsCheck check = RunReader::open(dir / "r.h5")->check_datasets();
  EXPECT_EQ(check.count(Status::kMissing), 4u);
  EXPECT_EQ(check.digest, before);  // attributes are not part of datasets_digest()
}

}  // namespace
}  // namespace qg::results
