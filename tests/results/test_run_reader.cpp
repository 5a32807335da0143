// RunReader: schema checks, attribute access, error messages, and the datasets digest.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <algorithm>
#include <vector>

#include "qg/core/error.hpp"
#include "qg/results/run_file.hpp"
#include "temp_dir.hpp"

namespace qg::results {
namespace {

using testing::TempDir;

//! A small run with a table, strings and attributes; `value` is one table entry and
//! `start` one attribute (attributes must not affect the digest).
void write_run(const std::filesystem::path& path, double value, const std::string& start) {
  auto file = RunFile::create(path);
  file->set_attribute("/", "start_time", start);
  TableWriter& table =
      file->create_table("/sweep", {{"combo", ColumnType::kInt64}, {"metrics/x", ColumnType::kFloat64}});
  for (int i = 0; i < 1000; ++i) table.append(std::vector<double>{double(i), i == 500 ? value : 0.25 * i});
  file->write_strings("/sweep/symbols", {"A", "B"});
  file->commit();
}

void expect_data_error(const std::filesystem::path& path, const std::string& fragment) {
  try {
    RunReader::open(path);
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(path.string()), std::string::npos) << message;
    EXPECT_NE(message.find(fragment), std::string::npos) << message;
  }
}

TEST(RunReader, DigestEqualForEqualContent) {
  TempDir dir;
  write_run(dir / "a.h5", 125.0, "2026-01-01T00:00:00Z");
  write_run(dir / "b.h5", 125.0, "2026-02-02T00:00:00Z");
  const std::string a = RunReader::open(dir / "a.h5")->datasets_digest();
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a, RunReader::open(dir / "b.h5")->datasets_digest());
}

TEST(RunReader, DigestDiffersForOneChangedValue) {
  TempDir dir;
  write_run(dir / "a.h5", 125.0, "t");
  write_run(dir / "b.h5", 125.0 + 1e-12, "t");
  EXPECT_NE(RunReader::open(dir / "a.h5")->datasets_digest(), RunReader::open(dir / "b.h5")->datasets_digest());
}

TEST(RunReader, RefusesNewerSchemaMajor) {
  TempDir dir;
  const auto path = dir / "future.h5";
  auto file = RunFile::create(path);
  file->set_attribute("/", "schema_version", "2.0");
  file->commit();
  expect_data_error(path, "schema version 2.0 is newer than this quantgrid understands (1.x); upgrade quantgrid");
}

TEST(RunReader, AcceptsNewerMinor) {
  TempDir dir;
  auto file = RunFile::create(dir / "r.h5");
  file->set_attribute("/", "schema_version", "1.7");
  file->commit();
  EXPECT_NO_THROW(RunReader::open(dir / "r.h5"));
}

TEST(RunReader, RefusesHdf5FileWithoutSchemaVersion) {
  TempDir dir;
  const auto path = dir / "plain.h5";
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  H5Fclose(file);
  expect_data_error(path, "not a quantgrid run file");
}

TEST(RunReader, RefusesNonHdf5AndMissingFiles) {
  TempDir dir;
  testing::write_text(dir / "notes.h5", "not hdf5");
  expect_data_error(dir / "notes.h5", "not an HDF5 file");
  EXPECT_THROW(RunReader::open(dir / "missing.h5"), IoError);
}

TEST(RunReader, AttributesAsTextAndMissingOnes) {
  TempDir dir;
  auto file = RunFile::create(dir / "r.h5");
  file->set_attribute("/", "seed", 42);
  file->set_attribute("/", "scale", 0.1);
  file->set_attribute("/", "name", "grid");
  file->commit();
  const auto reader = RunReader::open(dir / "r.h5");
  EXPECT_EQ(reader->attribute_text("/", "seed"), "42");
  EXPECT_EQ(reader->attribute_text("/", "scale"), "0.10000000000000001");
  EXPECT_EQ(reader->attribute_text("/", "name"), "grid");
  EXPECT_EQ(reader->double_attribute("/", "seed"), 42.0);
  const auto names = reader->attribute_names("/");
  EXPECT_NE(std::find(names.begin(), names.end(), "schema_version"), names.end());
  EXPECT_THROW(reader->string_attribute("/", "nope"), DataError);
  EXPECT_THROW(reader->int_attribute("/", "name"), DataError);
  EXPECT_THROW(reader->string_attribute("/", "seed"), DataError);
  EXPECT_THROW(reader->string_attribute("/missing", "x"), DataError);
}

TEST(RunReader, MissingObjectsAreDataErrors) {
  TempDir dir;
  write_run(dir / "r.h5", 1.0, "t");
  const auto reader = RunReader::open(dir / "r.h5");
  EXPECT_TRUE(reader->has("/sweep/symbols"));
  EXPECT_TRUE(reader->has("sweep"));
  EXPECT_FALSE(reader->has("/sweep/nothing/deeper"));
  EXPECT_THROW(reader->read_table("/walkforward"), DataError);
  EXPECT_THROW(reader->read_strings("/sweep/nope"), DataError);
  EXPECT_THROW(reader->read_strings("/sweep/combo"), DataError);
  EXPECT_THROW(reader->read_table("/sweep").column("metrics/y"), DataError);
  EXPECT_EQ(reader->string_datasets("/sweep"), std::vector<std::string>{"symbols"});
}

TEST(RunReader, RowRangesAndSingleColumnsAreSlicesOfTheTable) {
  TempDir dir;
  write_run(dir / "r.h5", 7.5, "t");  // rows i = 0..999: combo i, x 0.25 i (7.5 at row 500)
  const auto reader = RunReader::open(dir / "r.h5");
  const Table all = reader->read_table("/sweep");
  const Table part = reader->read_table_rows("/sweep", 498, 5);
  EXPECT_EQ(part.names, all.names);
  ASSERT_EQ(part.rows(), 5u);
  EXPECT_EQ(part.column("combo"), (std::vector<double>{498, 499, 500, 501, 502}));
  EXPECT_EQ(part.column("metrics/x"), (std::vector<double>{124.5, 124.75, 7.5, 125.25, 125.5}));
  EXPECT_EQ(reader->read_table_rows("/sweep", 998, 10).rows(), 2u);   // clipped at the end
  EXPECT_EQ(reader->read_table_rows("/sweep", 5000, 10).rows(), 0u);  // past the end: none
  EXPECT_EQ(reader->read_table_rows("/sweep", 0, 0).names, all.names);
  EXPECT_EQ(reader->read_column("/sweep/metrics/x"), all.column("metrics/x"));
  EXPECT_THROW(reader->read_column("/sweep/metrics/y"), DataError);
}

}  // namespace
}  // namespace qg::results
