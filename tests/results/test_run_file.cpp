// RunFile: attributes, tables across several chunks, strings, and the tmp-then-rename rule.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <vector>

#include "qg/core/error.hpp"
#include "qg/results/run_file.hpp"
#include "temp_dir.hpp"

namespace qg::results {
namespace {

using testing::TempDir;

std::filesystem::path tmp_of(const std::filesystem::path& path) { return path.string() + ".tmp"; }

TEST(RunFile, RoundTripsAttributesTablesAndStrings) {
  TempDir dir;
  const auto path = dir / "run.h5";
  // Odd batch sizes that straddle chunk boundaries; the total spans more than two chunks.
  const std::vector<std::size_t> batches{1, 7, 65535, 3, 70001, 12345, 2};
  std::size_t total = 0;
  {
    auto file = RunFile::create(path);
    file->set_attribute("/", "job_name", "grid \xC2\xB5");  // UTF-8 round trip
    file->set_attribute("/", "seed", std::int64_t{-7});
    file->set_attribute("/", "ranks", 4);
    file->set_attribute("/sweep", "scale", 0.25);
    TableWriter& table = file->create_table("/sweep", {{"combo", ColumnType::kInt64},
                                                       {"params/fast", ColumnType::kFloat64},
                                                       {"metrics/sharpe", ColumnType::kFloat64}});
    for (std::size_t batch : batches) {
      std::vector<double> rows;
      for (std::size_t i = 0; i < batch; ++i, ++total) {
        rows.insert(rows.end(), {double(total), 0.5 * double(total), std::sin(double(total))});
      }
      table.append(rows);
    }
    EXPECT_EQ(table.rows(), total);
    file->write_strings("/sweep/symbols", {"AAPL", "MSFT", ""});
    file->write_doubles("/extra/weights", std::vector<double>{1.5, -2.5});
    file->write_int64("/extra/ids", std::vector<std::int64_t>{3, 1 << 20});
    file->commit();
  }
  ASSERT_GT(total, 2 * 65536u);

  const auto reader = RunReader::open(path);
  EXPECT_EQ(reader->string_attribute("/", "schema_version"), "1.2");
  EXPECT_EQ(reader->int_attribute("/", "schema_major"), kSchemaMajor);
  EXPECT_EQ(reader->string_attribute("/", "job_name"), "grid \xC2\xB5");
  EXPECT_EQ(reader->int_attribute("/", "seed"), -7);
  EXPECT_EQ(reader->int_attribute("/", "ranks"), 4);
  EXPECT_EQ(reader->double_attribute("/sweep", "scale"), 0.25);

  const Table table = reader->read_table("/sweep");
  EXPECT_EQ(table.names, (std::vector<std::string>{"combo", "metrics/sharpe", "params/fast"}));
  ASSERT_EQ(table.rows(), total);
  const auto& combo = table.column("combo");
  const auto& fast = table.column("params/fast");
  const auto& sharpe = table.column("metrics/sharpe");
  for (std::size_t i = 0; i < total; ++i) {
    ASSERT_EQ(combo[i], double(i));
    ASSERT_EQ(fast[i], 0.5 * double(i));
    ASSERT_EQ(sharpe[i], std::sin(double(i)));
  }
  EXPECT_EQ(reader->read_strings("/sweep/symbols"), (std::vector<std::string>{"AAPL", "MSFT", ""}));
  EXPECT_EQ(reader->read_table("/extra").column("weights"), (std::vector<double>{1.5, -2.5}));
  EXPECT_EQ(reader->read_table("/extra").column("ids"), (std::vector<double>{3, 1 << 20}));
}

TEST(RunFile, NothingAtFinalPathBeforeCommit) {
  TempDir dir;
  const auto path = dir / "run.h5";
  auto file = RunFile::create(path);
  file->create_table("/sweep", {{"combo", ColumnType::kInt64}}).append(std::vector<double>{1, 2, 3});
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_TRUE(std::filesystem::exists(tmp_of(path)));
  EXPECT_EQ(file->final_path(), path);
  file->commit();
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(tmp_of(path)));
}

TEST(RunFile, UncommittedFileIsRemoved) {
  TempDir dir;
  const auto path = dir / "run.h5";
  {
    auto file = RunFile::create(path);
    file->create_table("/sweep", {{"combo", ColumnType::kInt64}}).append(std::vector<double>{1});
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(tmp_of(path)));
}

TEST(RunFile, ReplacesExistingFileOnlyAtCommit) {
  TempDir dir;
  const auto path = dir / "run.h5";
  testing::write_text(path, "previous run");
  auto file = RunFile::create(path);
  file->set_attribute("/", "job_name", "new");
  EXPECT_EQ(testing::read_bytes(path), "previous run");
  file->commit();
  EXPECT_EQ(RunReader::open(path)->string_attribute("/", "job_name"), "new");
  // The replaced file is freed by then or, at the latest, once the run file is gone: no descriptor
  // of this process names it ("PATH (deleted)" in /proc/self/fd, retired_file.hpp).
  file.reset();
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code error;
    EXPECT_NE(std::filesystem::read_symlink(entry.path(), error).string(), path.string() + " (deleted)");
  }
}

TEST(RunFile, ReplacesStaleTmpFile) {
  TempDir dir;
  const auto path = dir / "run.h5";
  testing::write_text(tmp_of(path), "left over from a crash");
  auto file = RunFile::create(path);
  file->commit();
  EXPECT_EQ(RunReader::open(path)->string_attribute("/", "schema_version"), "1.2");
}

TEST(RunFile, OverwritesAttribute) {
  TempDir dir;
  auto file = RunFile::create(dir / "run.h5");
  file->set_attribute("/sweep", "rank_by", "sharpe");
  file->set_attribute("/sweep", "rank_by", "sortino");
  file->commit();
  EXPECT_EQ(RunReader::open(dir / "run.h5")->string_attribute("/sweep", "rank_by"), "sortino");
}

TEST(RunFile, CreateInMissingDirectoryThrowsIoErrorNamingPath) {
  TempDir dir;
  const auto path = dir / "no" / "such" / "run.h5";
  try {
    RunFile::create(path);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find(tmp_of(path).string()), std::string::npos) << e.what();
  }
}

TEST(RunFile, UseAfterCommitThrows) {
  TempDir dir;
  auto file = RunFile::create(dir / "run.h5");
  TableWriter& table = file->create_table("/t", {{"x", ColumnType::kFloat64}});
  file->commit();
  EXPECT_THROW(table.append(std::vector<double>{1}), IoError);
  EXPECT_THROW(file->set_attribute("/", "x", 1.0), IoError);
  EXPECT_THROW(file->commit(), IoError);
}

TEST(RunFile, DuplicateColumnOrDatasetThrowsIoError) {
  TempDir dir;
  auto file = RunFile::create(dir / "run.h5");
  file->create_table("/t", {{"x", ColumnType::kFloat64}});
  EXPECT_THROW(file->create_table("/t", {{"x", ColumnType::kFloat64}}), IoError);
  file->write_strings("/t/names", {"a"});
  EXPECT_THROW(file->write_strings("/t/names", {"b"}), IoError);
}

TEST(RunFile, RaggedAppendIsAnInternalError) {
  TempDir dir;
  auto file = RunFile::create(dir / "run.h5");
  TableWriter& table = file->create_table("/t", {{"x", ColumnType::kFloat64}, {"y", ColumnType::kFloat64}});
  EXPECT_THROW(table.append(std::vector<double>{1, 2, 3}), InternalError);
}

TEST(RunFile, EmptyTableAndEmptyDatasets) {
  TempDir dir;
  auto file = RunFile::create(dir / "run.h5");
  file->create_table("/t", {{"x", ColumnType::kFloat64}});
  file->write_strings("/t/names", {});
  file->write_doubles("/u/v", {});
  file->commit();
  const auto reader = RunReader::open(dir / "run.h5");
  EXPECT_EQ(reader->read_table("/t").rows(), 0u);
  EXPECT_TRUE(reader->read_strings("/t/names").empty());
  EXPECT_EQ(reader->read_table("/u").rows(), 0u);
}

}  // namespace
}  // namespace qg::results
