// H5TableWriter: each column dataset is created once, with the chunk its table needs: one
// chunk of the table's own size below kChunkRows rows (so a small table is not stored as
// 512 KiB chunks), kChunkRows from the first full flush on; no fill value is written (the last,
// partial chunk costs its rows alone); a pending column's name is taken; a table that syncs each
// full block as it is written (sync_each_block) holds the same rows.
#include <gtest/gtest.h>

#include <hdf5.h>

#include <algorithm>
#include <vector>

#include "qg/core/error.hpp"
#include "qg/results/run_file.hpp"
#include "table_writer.hpp"
#include "temp_dir.hpp"

namespace qg::results {
namespace {

using testing::TempDir;

//! The chunk length (rows) of the 1-D dataset at `path`, read with the HDF5 C API.
hsize_t chunk_rows(const std::filesystem::path& file, const char* path) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
  const hid_t plist = H5Dget_create_plist(d);
  hsize_t dims[1] = {0};
  const int rank = H5Pget_chunk(plist, 1, dims);
  H5Pclose(plist);
  H5Dclose(d);
  H5Fclose(f);
  return rank == 1 ? dims[0] : 0;
}

//! When HDF5 writes the fill value of the 1-D dataset at `path`.
H5D_fill_time_t fill_time(const std::filesystem::path& file, const char* path) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
  const hid_t plist = H5Dget_create_plist(d);
  H5D_fill_time_t when = H5D_FILL_TIME_ERROR;
  H5Pget_fill_time(plist, &when);
  H5Pclose(plist);
  H5Dclose(d);
  H5Fclose(f);
  return when;
}

//! `n` rows of two columns: (i, 0.5 i).
std::vector<double> rows(std::size_t n) {
  std::vector<double> out;
  for (std::size_t i = 0; i < n; ++i) out.insert(out.end(), {static_cast<double>(i), 0.5 * static_cast<double>(i)});
  return out;
}

TEST(TableWriter, SmallTableHasOneChunkOfItsSize) {
  TempDir dir;
  auto file = RunFile::create(dir / "run.h5");
  file->create_table("/t", {{"i", ColumnType::kInt64}, {"x", ColumnType::kFloat64}}).append(rows(37));
  file->commit();
  EXPECT_EQ(chunk_rows(dir / "run.h5", "/t/i"), 37u);
  EXPECT_EQ(chunk_rows(dir / "run.h5", "/t/x"), 37u);
}

TEST(TableWriter, EmptyTableHasChunkOfOneRow) {
  TempDir dir;
  auto file = RunFile::create(dir / "run.h5");
  file->create_table("/t", {{"x", ColumnType::kFloat64}});
  file->commit();
  EXPECT_EQ(chunk_rows(dir / "run.h5", "/t/x"), 1u);  // HDF5 refuses a chunk of 0 rows
}

TEST(TableWriter, TableOfMoreThanOneChunkKeepsFullChunks) {
  TempDir dir;
  auto file = RunFile::create(dir / "run.h5");
  const std::size_t n = H5TableWriter::kChunkRows + 5;
  file->create_table("/t", {{"i", ColumnType::kInt64}, {"x", ColumnType::kFloat64}}).append(rows(n));
  file->commit();
  EXPECT_EQ(chunk_rows(dir / "run.h5", "/t/x"), H5TableWriter::kChunkRows);
  const auto reader = RunReader::open(dir / "run.h5");
  const auto x = reader->read_table("/t").column("x");
  ASSERT_EQ(x.size(), n);
  EXPECT_EQ(x[n - 1], 0.5 * static_cast<double>(n - 1));
}

// HDF5 writes a chunk whole at its first write when it has a fill value to write: the table's
// last chunk, begun at close with a few rows, would be written as 512 KiB a column, and so would
// each chunk at its first quarter-chunk flush.
TEST(TableWriter, LastPartialChunkIsWrittenWithoutFill) {
  TempDir dir;
  auto file = RunFile::create(dir / "run.h5");
  // Past the first chunk, rows are flushed in quarter chunks: two chunks, three quarters, 3 rows.
  const std::size_t n = 2 * H5TableWriter::kChunkRows + 3 * H5TableWriter::kFlushRows + 3;
  file->create_table("/t", {{"i", ColumnType::kInt64}, {"x", ColumnType::kFloat64}}).append(rows(n));
  file->commit();
  EXPECT_EQ(fill_time(dir / "run.h5", "/t/i"), H5D_FILL_TIME_NEVER);
  EXPECT_EQ(fill_time(dir / "run.h5", "/t/x"), H5D_FILL_TIME_NEVER);
  const auto table = RunReader::open(dir / "run.h5")->read_table("/t");
  ASSERT_EQ(table.column("x").size(), n);
  for (std::size_t r = 0; r < n; ++r) {  // every row, as rows() made it
    EXPECT_EQ(table.column("i")[r], static_cast<double>(r));
    EXPECT_EQ(table.column("x")[r], 0.5 * static_cast<double>(r));
  }
}

TEST(TableWriter, SyncingEachBlockKeepsEveryRow) {
  TempDir dir;
  auto file = RunFile::create(dir / "run.h5");
  // The first chunk, then quarter-chunk flushes (each synced), then a partial last block.
  const std::size_t n = H5TableWriter::kChunkRows + 2 * H5TableWriter::kFlushRows + 7;
  auto& table = file->create_table("/t", {{"i", ColumnType::kInt64}, {"x", ColumnType::kFloat64}});
  table.sync_each_block();
  const auto all = rows(n);
  const std::size_t width = 2, step = 5000;  // appends that straddle the flushes
  for (std::size_t r = 0; r < n; r += step) table.append({all.data() + r * width, std::min(step, n - r) * width});
  file->commit();
  const auto read = RunReader::open(dir / "run.h5")->read_table("/t");
  ASSERT_EQ(read.column("x").size(), n);
  for (std::size_t r = 0; r < n; ++r) {
    ASSERT_EQ(read.column("i")[r], static_cast<double>(r));
    ASSERT_EQ(read.column("x")[r], 0.5 * static_cast<double>(r));
  }
}

TEST(TableWriter, PendingColumnNameIsTaken) {
  TempDir dir;
  auto file = RunFile::create(dir / "run.h5");
  file->create_table("/t", {{"x", ColumnType::kFloat64}});  // nothing flushed: no dataset yet
  EXPECT_THROW(file->write_doubles("/t/x", std::vector<double>{1.0}), IoError);
  EXPECT_THROW(file->write_strings("/t/x", {"a"}), IoError);
  EXPECT_THROW(file->create_table("/t", {{"y", ColumnType::kFloat64}, {"x", ColumnType::kInt64}}), IoError);
  EXPECT_THROW(file->create_table("/u", {{"y", ColumnType::kFloat64}, {"y", ColumnType::kFloat64}}), IoError);
}

}  // namespace
}  // namespace qg::results
